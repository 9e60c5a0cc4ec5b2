import { describe, expect, it } from "vitest";
import { reserve } from "./capacity.js";
import type { NodeDoc } from "./model.js";
import {
  CARBON_SCORE_CEILING,
  SCORE_WEIGHTS,
  chooseNode,
  ineligibility,
  rankNodes,
  scoreNode,
  type PlacementRequest,
} from "./placement.js";

// 12:00 UTC = 13:00 in Berlin: off-peak, inside the default allowed hours.
const now = new Date("2026-01-15T12:00:00Z");
const secondsAgo = (s: number) => new Date(now.getTime() - s * 1000).toISOString();

function makeNode(id: string, overrides: Partial<NodeDoc> = {}): NodeDoc {
  return {
    id,
    sellerId: `seller-${id}`,
    name: id,
    region: "DE",
    timeZone: "Europe/Berlin",
    slots: 4,
    hardware: {
      cpuModel: "AMD EPYC 7742",
      cpuCores: 8,
      cpuThreads: 16,
      cpuSpeedGhz: 3,
      memoryMb: 32_768,
      gpus: [],
      os: "linux",
      arch: "x64",
      benchmarkScore: 100,
    },
    isolation: "bubblewrap",
    policy: {
      maxOwnerLoad: 0.5,
      allowedHours: { start: 0, end: 24 },
      evictOnOwnerLoad: false,
      allowNetwork: false,
    },
    tokenHash: "0".repeat(64),
    queueName: `node-${id}`,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    lastHeartbeatAt: secondsAgo(10),
    agentState: "idle",
    reservations: [],
    reliability: 0.9,
    outcomes: { completed: 0, lost: 0, notStarted: 0 },
    ...overrides,
  };
}

const gpus = (model: string, count: number) =>
  Array.from({ length: count }, (_, index) => ({ index, model, vendor: "nvidia", vramMb: 81_920 }));

const cpuRequest = (overrides: Partial<PlacementRequest> = {}): PlacementRequest => ({
  jobId: "job-1",
  requirements: { cpuCores: 2, memoryMb: 1024, gpuCount: 0 },
  networkAccess: false,
  excludeNodeIds: [],
  ...overrides,
});

describe("ineligibility", () => {
  it("accepts a fresh, idle, capable node", () => {
    expect(ineligibility(makeNode("a"), cpuRequest(), now)).toBeNull();
  });

  it.each<[string, Partial<NodeDoc>, PlacementRequest, string]>([
    ["stale heartbeat", { lastHeartbeatAt: secondsAgo(91) }, cpuRequest(), "offline"],
    ["never heartbeated", { lastHeartbeatAt: undefined }, cpuRequest(), "offline"],
    ["draining", { agentState: "draining" }, cpuRequest(), "draining"],
    ["paused", { agentState: "paused" }, cpuRequest(), "draining"],
    [
      "outside the owner's hours (13:00 local, allowed 18–8)",
      {
        policy: {
          maxOwnerLoad: 0.5,
          allowedHours: { start: 18, end: 8 },
          evictOnOwnerLoad: false,
          allowNetwork: false,
        },
      },
      cpuRequest(),
      "outside-allowed-hours",
    ],
    ["owner busy", { ownerCpuPercent: 75 }, cpuRequest(), "owner-busy"],
    [
      "no GPUs",
      {},
      cpuRequest({ requirements: { cpuCores: 1, memoryMb: 64, gpuCount: 1 } }),
      "no-gpu",
    ],
    [
      "wrong GPU model",
      { hardware: { ...makeNode("x").hardware, gpus: gpus("NVIDIA A100-SXM4-80GB", 2) } },
      cpuRequest({ requirements: { cpuCores: 1, memoryMb: 64, gpuCount: 1, gpuModel: "A10" } }),
      "gpu-model",
    ],
    ["network not allowed", {}, cpuRequest({ networkAccess: true }), "network"],
    // 2 cores off-peak: buyer pays 1600 µ$/s, seller's 85% is 1360 µ$/s
    [
      "price floor above the seller's share",
      { priceFloorMicrosPerSecond: 1361 },
      cpuRequest(),
      "price-floor",
    ],
    [
      "too many cores",
      {},
      cpuRequest({ requirements: { cpuCores: 17, memoryMb: 64, gpuCount: 0 } }),
      "capacity",
    ],
    ["already tried", {}, cpuRequest({ excludeNodeIds: ["a"] }), "excluded"],
  ])("refuses a node: %s", (_label, overrides, request, reason) => {
    expect(ineligibility(makeNode("a", overrides), request, now)).toBe(reason);
  });

  it("accepts the edge cases on the right side of each limit", () => {
    expect(
      ineligibility(makeNode("a", { lastHeartbeatAt: secondsAgo(90) }), cpuRequest(), now),
    ).toBeNull();
    expect(ineligibility(makeNode("a", { ownerCpuPercent: 50 }), cpuRequest(), now)).toBeNull();
    expect(
      ineligibility(makeNode("a", { priceFloorMicrosPerSecond: 1360 }), cpuRequest(), now),
    ).toBeNull();
    const withGpus = makeNode("a", {
      hardware: { ...makeNode("x").hardware, gpus: gpus("NVIDIA A100-SXM4-80GB", 2) },
    });
    const a100 = cpuRequest({
      requirements: { cpuCores: 1, memoryMb: 64, gpuCount: 2, gpuModel: "a100" },
    });
    expect(ineligibility(withGpus, a100, now)).toBeNull();
    expect(
      ineligibility(
        makeNode("a", { policy: { ...makeNode("x").policy, allowNetwork: true } }),
        cpuRequest({ networkAccess: true }),
        now,
      ),
    ).toBeNull();
  });

  it("takes the deployment's heartbeat freshness when given", () => {
    const node = makeNode("a", { lastHeartbeatAt: secondsAgo(120) });
    expect(ineligibility(node, cpuRequest(), now)).toBe("offline");
    expect(ineligibility(node, cpuRequest(), now, { heartbeatFreshSeconds: 180 })).toBeNull();
    expect(
      ineligibility(makeNode("b", { lastHeartbeatAt: secondsAgo(20) }), cpuRequest(), now, {
        heartbeatFreshSeconds: 15,
      }),
    ).toBe("offline");
  });

  it("checks free capacity after existing reservations", () => {
    const busy = reserve(
      makeNode("a"),
      "other",
      { cpuCores: 15, memoryMb: 1024, gpuCount: 0 },
      now,
    );
    expect(ineligibility(busy, cpuRequest(), now)).toBe("capacity");
  });
});

describe("scoreNode", () => {
  it("weights sum to 1 and each criterion stays within 0..1", () => {
    expect(Object.values(SCORE_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const score = scoreNode(makeNode("a"), cpuRequest(), now);
    for (const part of [
      score.reliability,
      score.carbon,
      score.capacity,
      score.price,
      score.total,
    ]) {
      expect(part).toBeGreaterThanOrEqual(0);
      expect(part).toBeLessThanOrEqual(1);
    }
  });

  it("scores each criterion as documented", () => {
    const score = scoreNode(makeNode("a", { priceFloorMicrosPerSecond: 680 }), cpuRequest(), now);
    expect(score.capacity).toBeCloseTo(14 / 16, 12); // cores are the scarcest after placing 2 of 16
    expect(score.carbon).toBeCloseTo(1 - 342 / CARBON_SCORE_CEILING, 12);
    expect(score.price).toBeCloseTo(0.5, 12); // floor is half the seller's 1360 µ$/s
    expect(score.reliability).toBe(0.9);
    expect(score.total).toBeCloseTo(
      0.4 * 0.9 + 0.25 * (1 - 342 / 800) + 0.25 * (14 / 16) + 0.1 * 0.5,
      12,
    );
  });
});

describe("rankNodes / chooseNode", () => {
  it("prefers the cleaner grid, the more reliable node and the emptier node", () => {
    const request = cpuRequest();
    expect(
      chooseNode(
        [makeNode("dirty", { region: "IN" }), makeNode("clean", { region: "SE" })],
        request,
        now,
      )?.id,
    ).toBe("clean");
    expect(
      chooseNode(
        [makeNode("flaky", { reliability: 0.5 }), makeNode("solid", { reliability: 0.99 })],
        request,
        now,
      )?.id,
    ).toBe("solid");
    const loaded = reserve(
      makeNode("loaded"),
      "other",
      { cpuCores: 12, memoryMb: 1024, gpuCount: 0 },
      now,
    );
    expect(chooseNode([loaded, makeNode("empty")], request, now)?.id).toBe("empty");
  });

  it("breaks exact ties by node id, whatever order the nodes come in", () => {
    const nodes = ["n-c", "n-a", "n-b"].map((id) => makeNode(id));
    const forward = rankNodes(nodes, cpuRequest(), now).map((r) => r.node.id);
    const backward = rankNodes([...nodes].reverse(), cpuRequest(), now).map((r) => r.node.id);
    expect(forward).toEqual(["n-a", "n-b", "n-c"]);
    expect(backward).toEqual(forward);
  });

  it("leaves out ineligible and already-tried nodes, and returns null when nothing fits", () => {
    const nodes = [
      makeNode("a"),
      makeNode("b", { lastHeartbeatAt: secondsAgo(600) }),
      makeNode("c"),
    ];
    expect(
      rankNodes(nodes, cpuRequest({ excludeNodeIds: ["a"] }), now).map((r) => r.node.id),
    ).toEqual(["c"]);
    expect(chooseNode(nodes, cpuRequest({ excludeNodeIds: ["a", "c"] }), now)).toBeNull();
    expect(chooseNode([], cpuRequest(), now)).toBeNull();
  });

  it("placing jobs one after another never double-books a node", () => {
    let nodes = [makeNode("a", { slots: 3 }), makeNode("b", { slots: 2 })];
    const placed: string[] = [];
    for (let i = 0; i < 8; i++) {
      const request = cpuRequest({
        jobId: `job-${i}`,
        requirements: { cpuCores: 4, memoryMb: 1024, gpuCount: 0 },
      });
      const chosen = chooseNode(nodes, request, now);
      if (!chosen) break;
      nodes = nodes.map((n) =>
        n.id === chosen.id ? reserve(n, request.jobId, request.requirements, now) : n,
      );
      placed.push(chosen.id);
    }
    // 16 threads / 4 cores = 4 per node, but slots cap a at 3 and b at 2
    expect(placed).toHaveLength(5);
    expect(placed.filter((id) => id === "a")).toHaveLength(3);
    for (const n of nodes) {
      expect(n.reservations.length).toBeLessThanOrEqual(n.slots);
      expect(n.reservations.reduce((s, r) => s + r.cpuCores, 0)).toBeLessThanOrEqual(
        n.hardware.cpuThreads,
      );
    }
  });
});
