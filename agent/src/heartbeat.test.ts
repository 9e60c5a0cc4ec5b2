import type { ControlMessage, HeartbeatRequest, HeartbeatResponse } from "@wastecompute/contracts";
import { describe, expect, it } from "vitest";
import { HeartbeatLoop, type HeartbeatDeps } from "./heartbeat.js";

const snapshot: HeartbeatRequest = {
  utilisation: { cpuPercent: 5, memoryUsedMb: 100 },
  runningJobIds: [],
  state: "idle",
};

function deps(answers: Array<HeartbeatResponse | Error>) {
  const seen = {
    controls: [] as ControlMessage[],
    queues: 0,
    reachability: [] as boolean[],
    sent: 0,
  };
  const d: HeartbeatDeps = {
    send: async () => {
      seen.sent++;
      const next = answers.shift();
      if (!next || next instanceof Error) throw next ?? new Error("no answer");
      return next;
    },
    snapshot: () => snapshot,
    onControl: (c) => seen.controls.push(c),
    onQueueAccess: () => seen.queues++,
    onReachability: (r) => seen.reachability.push(r),
  };
  return { d, seen };
}

describe("heartbeat loop", () => {
  it("hands control messages and refreshed queue access to the worker", async () => {
    const { d, seen } = deps([
      {
        control: [{ type: "cancel", jobId: "j1", reason: "buyer" }, { type: "drain" }],
        queue: {
          queueName: "node-n1",
          queueUrl: "http://q",
          mode: "sas",
          expiresAt: "2026-12-04T21:00:00Z",
        },
        heartbeatIntervalSec: 15,
      },
    ]);
    expect(await new HeartbeatLoop(d, 30).beat(new AbortController().signal)).toBe(true);
    expect(seen.controls.map((c) => c.type)).toEqual(["cancel", "drain"]);
    expect(seen.queues).toBe(1);
  });

  it("reports the API unreachable with a growing retry delay, and reachable again once it answers", async () => {
    const { d, seen } = deps([
      new Error("ECONNREFUSED"),
      new Error("ECONNREFUSED"),
      { control: [], heartbeatIntervalSec: 30 },
    ]);
    const retries: number[] = [];
    d.onReachability = (r, detail) => {
      seen.reachability.push(r);
      if (detail.retryInMs) retries.push(detail.retryInMs);
    };
    const loop = new HeartbeatLoop(d, 30);
    const signal = new AbortController().signal;
    await loop.beat(signal);
    await loop.beat(signal);
    await loop.beat(signal);
    expect(seen.reachability).toEqual([false, false, true]);
    expect(retries[1]).toBeGreaterThan(retries[0] ?? Infinity);
  });

  it("does not busy-loop while the API is down", async () => {
    const { d, seen } = deps(Array.from({ length: 100 }, () => new Error("down")));
    const ac = new AbortController();
    const run = new HeartbeatLoop(d, 30).run(ac.signal);
    await new Promise((r) => setTimeout(r, 1500));
    ac.abort();
    await run;
    expect(seen.sent).toBeLessThanOrEqual(2);
  });
});
