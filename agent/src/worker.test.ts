import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchMessage } from "../test/support/dispatch-message.js";
import { MemoryQueue } from "../test/support/memory-queue.js";
import { AgentApi } from "./agent-api.js";
import { ApiClient } from "./api-client.js";
import { resolveRunAs } from "./identity.js";
import { QueuePoller } from "./poller.js";
import { onPath, probeHost } from "./sandbox.js";
import { readState } from "./state.js";
import { Worker, type WorkerDeps } from "./worker.js";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "wc-worker-"));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const dispatch = (jobId: string, command: string, attempt = 0): string =>
  Buffer.from(
    JSON.stringify(
      dispatchMessage({ jobId, command, attempt, leaseToken: `lease-${jobId}-0123456789` }),
    ),
  ).toString("base64");

/** A platform in memory: counts calls per path. */
function fakePlatform() {
  const calls: string[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    calls.push(`${init?.method ?? "GET"} ${url.pathname}`);
    const body = url.pathname.endsWith("/heartbeat")
      ? { control: [], heartbeatIntervalSec: 30 }
      : url.pathname.endsWith("/start")
        ? { jobId: url.pathname.split("/")[4], maxArtifactBytes: 1024 }
        : url.pathname.endsWith("/logs")
          ? {
              storedBytes:
                Buffer.from((JSON.parse(String(init?.body)) as { data: string }).data, "base64")
                  .length + (JSON.parse(String(init?.body)) as { offset: number }).offset,
            }
          : {};
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  };
  return {
    calls,
    api: new AgentApi(
      new ApiClient({ baseUrl: "http://api.test", bearer: "t", fetchImpl }),
      "node-1",
    ),
  };
}

function worker(queue: MemoryQueue, api: AgentApi, name: string, visibilitySec = 60): Worker {
  const deps: WorkerDeps = {
    api,
    poller: new QueuePoller(queue, () => undefined, visibilitySec),
    openQueue: () => queue,
    nodeId: "node-1",
    slots: 2,
    heartbeatIntervalSec: 30,
    isolation: onPath("bwrap") ? "bubblewrap" : "none",
    host: probeHost(),
    runAs: resolveRunAs(undefined),
    workRoot: join(root, name, "work"),
    stateDir: join(root, name, "state"),
    policy: {
      maxOwnerLoad: 1,
      allowedHours: { start: 0, end: 24 },
      evictOnOwnerLoad: false,
      allowNetwork: false,
    },
    timeZone: "UTC",
    killGraceMs: 200,
    drainDeadlineMs: 2_000,
    outputCapBytes: 1 << 20,
    agentVersion: "test",
    log: () => undefined,
    status: () => undefined,
  };
  return new Worker(deps);
}

const until = async (check: () => boolean, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe("worker", () => {
  it("never runs a duplicate delivery of the same job attempt twice", async () => {
    const queue = new MemoryQueue();
    queue.add(dispatch("job-dup", "echo once"));
    queue.add(dispatch("job-dup", "echo once"));
    const { api, calls } = fakePlatform();
    const w = worker(queue, api, "dup");
    const running = w.run();
    await until(() => queue.items.length === 0 && calls.some((c) => c.endsWith("/finish")));
    w.shutdown();
    await running;
    expect(calls.filter((c) => c.endsWith("/job-dup/start"))).toHaveLength(1);
    expect(queue.deleted.sort()).toEqual(["m0", "m1"]);
  });

  it("adopts a message that reappears while its job runs (no update permission) and deletes it at the end", async () => {
    const queue = new MemoryQueue();
    queue.readOnly = true;
    queue.add(dispatch("job-long", "sleep 1.5; echo done"));
    const { api, calls } = fakePlatform();
    const w = worker(queue, api, "long", 0.3);
    const running = w.run();
    await until(() => calls.some((c) => c.endsWith("/job-long/finish")));
    await until(() => queue.items.length === 0);
    w.shutdown();
    await running;
    expect(calls.filter((c) => c.endsWith("/job-long/start"))).toHaveLength(1);
    expect(queue.items).toEqual([]);
  });

  it("on shutdown, a job still running at the drain deadline is stopped and reported preempted", async () => {
    const queue = new MemoryQueue();
    queue.add(dispatch("job-stuck", "sleep 30"));
    const bodies: string[] = [];
    const { api, calls } = fakePlatform();
    const originalFinish = api.finishJob.bind(api);
    api.finishJob = async (jobId, lease, report) => {
      bodies.push(report.outcome);
      return originalFinish(jobId, lease, report);
    };
    const w = worker(queue, api, "stuck");
    const running = w.run();
    await until(() => calls.some((c) => c.endsWith("/job-stuck/start")));
    const started = Date.now();
    w.shutdown();
    await running;
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(bodies).toEqual(["preempted"]);
    expect((await readState(join(root, "stuck", "state")))?.status).toBe("stopped");
  });

  it("after a crash, reports the jobs it can no longer see as lost", async () => {
    const queue = new MemoryQueue();
    const { api } = fakePlatform();
    const outcomes: string[] = [];
    api.finishJob = async (jobId, _lease, report) => {
      outcomes.push(`${jobId}:${report.outcome}`);
    };
    const { writeState } = await import("./state.js");
    await writeState(join(root, "crash", "state"), {
      pid: 2 ** 22 + 4321,
      nodeId: "node-1",
      status: "busy",
      statusReason: "",
      isolation: "bubblewrap",
      slots: 1,
      startedAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      apiReachable: true,
      running: [
        {
          jobId: "job-gone",
          attempt: 0,
          leaseToken: "lease-gone-0123456789",
          startedAt: new Date().toISOString(),
          command: "sleep 100",
        },
      ],
      recent: [],
      seen: ["job-gone#0"],
    });
    const w = worker(queue, api, "crash");
    const running = w.run();
    await until(() => outcomes.length > 0);
    w.shutdown();
    await running;
    expect(outcomes).toEqual(["job-gone:lost"]);
  });
});

describe("worker and an unreachable API", () => {
  it("gives a message back when start cannot reach the platform, and runs it once the API answers", async () => {
    const queue = new MemoryQueue();
    queue.add(dispatch("job-retry", "true"));
    let down = true;
    const calls: string[] = [];
    const fetchImpl: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      calls.push(`${init?.method ?? "GET"} ${url.pathname}`);
      if (down && url.pathname.endsWith("/start")) throw new TypeError("fetch failed");
      const body = url.pathname.endsWith("/heartbeat")
        ? { control: [], heartbeatIntervalSec: 30 }
        : url.pathname.endsWith("/start")
          ? { jobId: "job-retry", maxArtifactBytes: 0 }
          : { storedBytes: 0 };
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    };
    const fast = { initialMs: 1, maxMs: 2, factor: 2, jitter: 0 };
    const api = new AgentApi(
      new ApiClient({ baseUrl: "http://api.test", bearer: "t", fetchImpl, backoff: fast }),
      "node-1",
    );
    const w = worker(queue, api, "unreachable");
    const running = w.run();
    await until(() => calls.filter((c) => c.endsWith("/start")).length >= 5);
    expect(queue.items).toHaveLength(1);
    down = false;
    await until(() => calls.some((c) => c.endsWith("/job-retry/finish")));
    await until(() => queue.items.length === 0);
    w.shutdown();
    await running;
  });
});

describe("worker and platform drain", () => {
  it("a platform drain stops taking jobs but keeps the agent up; lifting it resumes work", async () => {
    const queue = new MemoryQueue();
    let drain = true;
    const calls: string[] = [];
    const fetchImpl: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      calls.push(`${init?.method ?? "GET"} ${url.pathname}`);
      const body = url.pathname.endsWith("/heartbeat")
        ? { control: drain ? [{ type: "drain" }] : [], heartbeatIntervalSec: 1 }
        : url.pathname.endsWith("/start")
          ? { jobId: "job-after-drain", maxArtifactBytes: 0 }
          : { storedBytes: 0 };
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    };
    const api = new AgentApi(
      new ApiClient({ baseUrl: "http://api.test", bearer: "t", fetchImpl }),
      "node-1",
    );
    const w = worker(queue, api, "platform-drain");
    const running = w.run();
    await until(() => calls.some((c) => c.endsWith("/heartbeat")));
    queue.add(dispatch("job-after-drain", "true"));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(calls.some((c) => c.endsWith("/start"))).toBe(false);
    drain = false;
    await until(() => calls.some((c) => c.endsWith("/job-after-drain/finish")));
    w.shutdown();
    await running;
  });
});
