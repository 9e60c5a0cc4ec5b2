import type { SubmitJobRequest } from "@wastecompute/contracts";
import { describe, expect, it } from "vitest";
import { ConflictError, InvalidTransitionError, ValidationError } from "./errors.js";
import {
  JOB_STATUSES,
  TERMINAL_JOB_STATUSES,
  assertCurrentLease,
  canTransition,
  createJob,
  isTerminal,
  requestCancellation,
  transition,
  type NewAssignment,
} from "./job-state.js";
import type { JobDoc, JobStatus } from "./model.js";

const request: SubmitJobRequest = {
  command: "echo hi",
  resourceType: "cpu",
  requirements: { cpuCores: 2, memoryMb: 512, gpuCount: 0 },
  maxRuntimeSec: 60,
  queueTimeoutSec: 600,
  env: { GREETING: "hi" },
  networkAccess: false,
};
const t = (minute: number) => new Date(Date.UTC(2026, 0, 15, 12, minute));
const on = (nodeId: string): NewAssignment => ({
  nodeId,
  sellerId: `seller-of-${nodeId}`,
  leaseToken: `wcl_lease_for_${nodeId}`,
  gpuIndexes: [],
});
const fresh = (maxAttempts = 3) =>
  createJob(request, { id: "job-1", buyerId: "buyer-1", at: t(0), maxAttempts });
const placed = (job: JobDoc, nodeId: string, minute: number) =>
  transition(job, "placed", { at: t(minute), reason: "reserved", assignment: on(nodeId) });

describe("createJob", () => {
  it("starts queued at attempt 0 with its submission recorded", () => {
    const job = fresh();
    expect(job).toMatchObject({
      id: "job-1",
      buyerId: "buyer-1",
      status: "queued",
      attempt: 0,
      maxAttempts: 3,
      attempts: [],
      assignment: null,
      command: "echo hi",
      env: { GREETING: "hi" },
      logBytes: 0,
      createdAt: t(0).toISOString(),
    });
    expect(job.transitions).toEqual([
      { status: "queued", at: t(0).toISOString(), reason: "submitted", attempt: 0 },
    ]);
    expect(JSON.parse(JSON.stringify(job))).toEqual(job);
  });

  it("refuses fewer than one attempt", () => {
    expect(() => createJob(request, { id: "j", buyerId: "b", at: t(0), maxAttempts: 0 })).toThrow(
      ValidationError,
    );
  });
});

describe("transition", () => {
  it("runs the happy path queued → placed → running → succeeded, recording every step", () => {
    const job = transition(
      transition(placed(fresh(), "node-a", 1), "running", { at: t(2), reason: "agent started" }),
      "succeeded",
      { at: t(5), reason: "exit 0" },
    );
    expect(job.status).toBe("succeeded");
    expect(job.transitions.map((x) => [x.status, x.attempt, x.nodeId])).toEqual([
      ["queued", 0, undefined],
      ["placed", 1, "node-a"],
      ["running", 1, "node-a"],
      ["succeeded", 1, "node-a"],
    ]);
    expect(job.attempts).toEqual([
      {
        number: 1,
        nodeId: "node-a",
        sellerId: "seller-of-node-a",
        placedAt: t(1).toISOString(),
        startedAt: t(2).toISOString(),
        endedAt: t(5).toISOString(),
        outcome: "succeeded",
        reason: "exit 0",
      },
    ]);
    expect(job.assignment).toMatchObject({
      nodeId: "node-a",
      attempt: 1,
      leaseToken: "wcl_lease_for_node-a",
    });
    expect(job.updatedAt).toBe(t(5).toISOString());
    expect(job.failureReason).toBeUndefined();
  });

  it("does not change the job it was given", () => {
    const job = fresh();
    const snapshot = structuredClone(job);
    placed(job, "node-a", 1);
    expect(job).toEqual(snapshot);
  });

  it("retries a lost placement on another node as attempt 2 and keeps the history of both", () => {
    let job = transition(placed(fresh(), "node-a", 1), "running", { at: t(2), reason: "started" });
    job = transition(job, "queued", { at: t(3), reason: "node stopped heartbeating" });
    expect(job.status).toBe("queued");
    expect(job.assignment).toBeNull();
    expect(job.attempt).toBe(1);
    job = placed(job, "node-b", 4);
    expect(job.attempt).toBe(2);
    expect(job.attempts.map((a) => [a.number, a.nodeId, a.outcome ?? null])).toEqual([
      [1, "node-a", "requeued"],
      [2, "node-b", null],
    ]);
    expect(job.attempts[0]?.reason).toBe("node stopped heartbeating");
  });

  it("refuses a retry once every attempt is used; the job must be declared lost instead", () => {
    let job = placed(fresh(2), "node-a", 1);
    job = transition(job, "queued", { at: t(2), reason: "accept timeout" });
    job = placed(job, "node-b", 3);
    expect(() => transition(job, "queued", { at: t(4), reason: "accept timeout" })).toThrow(
      InvalidTransitionError,
    );
    const lost = transition(job, "lost", { at: t(4), reason: "no attempts left" });
    expect(lost.status).toBe("lost");
    expect(lost.failureReason).toBe("no attempts left");
    expect(lost.attempts.at(-1)?.outcome).toBe("lost");
  });

  it("needs an assignment to place a job", () => {
    expect(() => transition(fresh(), "placed", { at: t(1), reason: "?" })).toThrow(
      InvalidTransitionError,
    );
  });

  it("expires or cancels a queued job without inventing an attempt", () => {
    const expired = transition(fresh(), "expired", {
      at: t(10),
      reason: "no node within queue timeout",
    });
    expect(expired).toMatchObject({
      status: "expired",
      attempt: 0,
      attempts: [],
      failureReason: "no node within queue timeout",
    });
  });

  it("records failure reasons for timed-out and failed jobs", () => {
    const running = transition(placed(fresh(), "node-a", 1), "running", {
      at: t(2),
      reason: "started",
    });
    expect(
      transition(running, "timed_out", { at: t(3), reason: "max runtime" }).failureReason,
    ).toBe("max runtime");
    expect(transition(running, "failed", { at: t(3), reason: "exit 2" }).attempts[0]?.outcome).toBe(
      "failed",
    );
  });

  it("allows exactly the documented moves and nothing out of a terminal state", () => {
    const allowed: Record<JobStatus, JobStatus[]> = {
      queued: ["placed", "cancelled", "expired"],
      placed: ["running", "queued", "failed", "cancelled", "lost"],
      running: ["succeeded", "failed", "timed_out", "cancelled", "lost", "queued"],
      succeeded: [],
      failed: [],
      timed_out: [],
      cancelled: [],
      expired: [],
      lost: [],
    };
    for (const from of JOB_STATUSES) {
      for (const to of JOB_STATUSES) {
        expect(canTransition(from, to), `${from} → ${to}`).toBe(allowed[from].includes(to));
      }
    }
  });

  it("throws a typed error naming both ends for an illegal move", () => {
    const done = transition(
      transition(placed(fresh(), "node-a", 1), "running", { at: t(2), reason: "started" }),
      "succeeded",
      { at: t(3), reason: "exit 0" },
    );
    for (const to of ["running", "queued", "placed", "failed"] as const) {
      expect(() =>
        transition(done, to, { at: t(4), reason: "late", assignment: on("node-b") }),
      ).toThrow(InvalidTransitionError);
    }
    expect(() => transition(fresh(), "running", { at: t(1), reason: "skip" })).toThrow(
      expect.objectContaining({ from: "queued", to: "running", status: 409 }),
    );
    expect(() => transition(fresh(), "succeeded", { at: t(1), reason: "skip" })).toThrow(
      InvalidTransitionError,
    );
  });
});

describe("isTerminal", () => {
  it("knows exactly the six terminal statuses", () => {
    expect(JOB_STATUSES.filter(isTerminal)).toEqual([...TERMINAL_JOB_STATUSES]);
    expect(TERMINAL_JOB_STATUSES).toEqual([
      "succeeded",
      "failed",
      "timed_out",
      "cancelled",
      "expired",
      "lost",
    ]);
  });
});

describe("requestCancellation", () => {
  it("cancels a queued job at once", () => {
    const job = requestCancellation(fresh(), t(1));
    expect(job.status).toBe("cancelled");
    expect(job.transitions.at(-1)).toMatchObject({
      status: "cancelled",
      reason: "cancelled by buyer",
    });
  });

  it("marks a running job for the agent to stop, once; a retry clears the mark", () => {
    const running = transition(placed(fresh(), "node-a", 1), "running", {
      at: t(2),
      reason: "started",
    });
    const asked = requestCancellation(running, t(3));
    expect(asked.status).toBe("running");
    expect(asked.cancelRequestedAt).toBe(t(3).toISOString());
    expect(requestCancellation(asked, t(4))).toBe(asked);
    const requeued = transition(asked, "queued", { at: t(5), reason: "node lost" });
    expect("cancelRequestedAt" in requeued).toBe(false);
  });

  it("is a conflict on a finished job", () => {
    const expired = transition(fresh(), "expired", { at: t(1), reason: "timeout" });
    expect(() => requestCancellation(expired, t(2))).toThrow(ConflictError);
  });
});

describe("assertCurrentLease", () => {
  it("accepts the current lease and refuses a stale one after the job moved on", () => {
    const first = placed(fresh(), "node-a", 1);
    expect(assertCurrentLease(first, "wcl_lease_for_node-a").nodeId).toBe("node-a");
    const second = placed(
      transition(first, "queued", { at: t(2), reason: "accept timeout" }),
      "node-b",
      3,
    );
    expect(() => assertCurrentLease(second, "wcl_lease_for_node-a")).toThrow(ConflictError);
    expect(assertCurrentLease(second, "wcl_lease_for_node-b").attempt).toBe(2);
    const requeued = transition(second, "queued", { at: t(4), reason: "accept timeout" });
    expect(() => assertCurrentLease(requeued, "wcl_lease_for_node-b")).toThrow(ConflictError);
  });
});
