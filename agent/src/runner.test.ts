import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FinishJobRequest, LogChunkRequest } from "@wastecompute/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchMessage } from "../test/support/dispatch-message.js";
import { LeaseRefusedError } from "./agent-api.js";
import { resolveRunAs } from "./identity.js";
import { outcomeOf, runJob, type JobRunnerDeps } from "./runner.js";
import { onPath, probeHost } from "./sandbox.js";

let workRoot: string;
beforeAll(async () => {
  workRoot = await mkdtemp(join(tmpdir(), "wc-runner-"));
});
afterAll(() => rm(workRoot, { recursive: true, force: true }));

const message = dispatchMessage;

/** An in-memory platform: records every call the runner makes. */
function fakeApi(options: { refuseStart?: boolean; refuseLogs?: boolean } = {}) {
  const calls = {
    started: 0,
    log: Buffer.alloc(0),
    chunks: [] as LogChunkRequest[],
    artifacts: new Map<string, string>(),
    finish: undefined as FinishJobRequest | undefined,
  };
  const api: JobRunnerDeps["api"] = {
    startJob: async (jobId) => {
      if (options.refuseStart) throw new LeaseRefusedError(jobId, 409, "stale");
      calls.started++;
      return { jobId, maxArtifactBytes: 1024 };
    },
    appendLog: async (jobId, _lease, chunk) => {
      if (options.refuseLogs) throw new LeaseRefusedError(jobId, 409, "reassigned");
      calls.chunks.push(chunk);
      calls.log = Buffer.concat([calls.log, Buffer.from(chunk.data, "base64")]);
      return calls.log.length;
    },
    uploadArtifact: async (_jobId, _lease, name, body) => {
      calls.artifacts.set(name, Buffer.from(body).toString());
    },
    finishJob: async (_jobId, _lease, report) => {
      calls.finish = report;
    },
  };
  return { api, calls };
}

const deps = (api: JobRunnerDeps["api"]): JobRunnerDeps => ({
  api,
  isolation: onPath("bwrap") ? "bubblewrap" : "none",
  host: probeHost(),
  runAs: resolveRunAs(undefined),
  workRoot,
  killGraceMs: 200,
  outputCapBytes: 1 << 20,
  allowNetwork: false,
  log: () => undefined,
});

describe("job runner", () => {
  it("starts, streams output, uploads artifacts and finishes with exit code and usage", async () => {
    const { api, calls } = fakeApi();
    const report = await runJob(
      message({
        command: 'echo hello; echo "$GREETING" > "$WC_OUTPUT_DIR/result.txt"; exit 3',
        env: { GREETING: "hi there" },
      }),
      deps(api),
      new AbortController(),
    );
    expect(report.kind).toBe("finished");
    expect(calls.started).toBe(1);
    expect(calls.log.toString()).toBe("hello\n");
    expect(calls.artifacts.get("result.txt")).toBe("hi there\n");
    expect(calls.finish).toMatchObject({
      outcome: "exited",
      exitCode: 3,
      signal: null,
      logBytes: 6,
      outputTruncated: false,
      artifacts: [{ name: "result.txt", sizeBytes: 9 }],
      gpuSeconds: 0,
    });
    expect(calls.finish?.wallSeconds).toBeGreaterThan(0);
  });

  it("a refused lease at start runs nothing", async () => {
    const { api, calls } = fakeApi({ refuseStart: true });
    const report = await runJob(message(), deps(api), new AbortController());
    expect(report.kind).toBe("refused");
    expect(calls.finish).toBeUndefined();
  });

  it("stops a job whose lease is refused while it runs, without reporting finish", async () => {
    const { api, calls } = fakeApi({ refuseLogs: true });
    const started = Date.now();
    const report = await runJob(
      message({ command: "echo tick; sleep 319.5" }),
      deps(api),
      new AbortController(),
    );
    expect(report.kind).toBe("abandoned");
    expect(Date.now() - started).toBeLessThan(5000);
    expect(calls.finish).toBeUndefined();
  });

  it("a timeout is reported as timed_out, a stop as cancelled or preempted", async () => {
    const { api, calls } = fakeApi();
    await runJob(
      message({ command: "sleep 319.25", maxRuntimeSec: 1 }),
      deps(api),
      new AbortController(),
    );
    expect(calls.finish?.outcome).toBe("timed_out");
    const stop = new AbortController();
    setTimeout(() => stop.abort("preempted"), 200);
    await runJob(message({ command: "sleep 319.75" }), deps(api), stop);
    expect(calls.finish?.outcome).toBe("preempted");
    expect(outcomeOf({ timedOut: false, stoppedFor: "cancelled" })).toBe("cancelled");
    expect(outcomeOf({ timedOut: false, stoppedFor: undefined, spawnError: "ENOENT" })).toBe(
      "error",
    );
  });
});
