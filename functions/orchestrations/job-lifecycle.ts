// The `jobLifecycle` orchestrator (instance id = job id): place the job on a node, dispatch it,
// wait for the agent to start and finish it, retry elsewhere when a node is lost, and settle.
// Deterministic: time comes from context.df.currentUtcDateTime, all I/O happens in activities.
import * as df from "durable-functions";
import type {
  OrchestrationContext,
  OrchestrationHandler,
  Task,
  TimerTask,
} from "durable-functions";
import type { JobStatus } from "../domain/model.js";
import type { LifecycleEvent, LifecycleInput } from "./lifecycle-contract.js";
import type { DispatchResult, Placement, RequeueInput, SettleInput } from "./activities.js";

/** How the attempt on a node ended, as far as the orchestrator is concerned. */
type AttemptEnd =
  | {
      kind: "settle";
      status: JobStatus;
      reason: string;
      report?: LifecycleEvent["finished"]["report"];
    }
  | { kind: "requeue"; reason: string; nodeFault: RequeueInput["nodeFault"] };

/** Activities are idempotent, so a transient failure (Cosmos, Storage) is simply tried again. */
const ACTIVITY_RETRY = new df.RetryOptions(1_000, 5);

/** About how many placement tries one round makes at most before its queue timeout. */
const MAX_PLACEMENT_TRIES_PER_ROUND = 100;

const addSeconds = (at: Date, seconds: number): Date => new Date(at.getTime() + seconds * 1000);

/** The job status an agent's finish report means; undefined when the attempt should be retried. */
export function statusOfReport(
  report: LifecycleEvent["finished"]["report"],
): JobStatus | undefined {
  switch (report.outcome) {
    case "exited":
      return report.exitCode === 0 ? "succeeded" : "failed";
    case "timed_out":
      return "timed_out";
    case "cancelled":
      return "cancelled";
    case "error":
      return "failed";
    case "preempted":
    case "lost":
      return undefined;
  }
}

function reportEnd(report: LifecycleEvent["finished"]["report"]): AttemptEnd {
  const status = statusOfReport(report);
  if (status === undefined)
    return {
      kind: "requeue",
      reason: `the node reported the job ${report.outcome}`,
      nodeFault: "lost",
    };
  const reason =
    report.outcome === "exited"
      ? `exited with code ${report.exitCode ?? "none"}`
      : (report.detail ?? `the node reported ${report.outcome}`);
  return { kind: "settle", status, reason, report };
}

export const jobLifecycle: OrchestrationHandler = function* (context: OrchestrationContext) {
  const orchestration = context.df;
  const call = (name: string, input: unknown): Task =>
    orchestration.callActivityWithRetry(name, ACTIVITY_RETRY, input);
  /**
   * The first of `tasks` to complete. durable-functions' Task.any never completes for a child
   * that completed before the Task.any was made (an event raised while an activity ran, for
   * instance), so a task already done wins without waiting.
   */
  function* firstOf(tasks: Task[]): Generator<Task, Task, unknown> {
    const done = tasks.find((task) => task.isCompleted || task.isFaulted);
    if (done !== undefined) return done;
    return (yield orchestration.Task.any(tasks)) as Task;
  }
  const input = orchestration.getInput() as LifecycleInput;
  const { jobId, buyerId, timing } = input;
  const cancel = orchestration.waitForExternalEvent("cancel");
  const avoidNodeIds: string[] = [];

  /** Waits for the next event of `name` that belongs to `attempt`, alongside the other tasks. */
  const isFor = (attempt: number, payload: unknown): boolean =>
    typeof payload === "object" &&
    payload !== null &&
    (payload as { attempt?: unknown }).attempt === attempt;

  function* settle(
    status: JobStatus,
    reason: string,
    report?: LifecycleEvent["finished"]["report"],
  ): Generator<Task, unknown, unknown> {
    const settleInput: SettleInput = {
      jobId,
      buyerId,
      status,
      reason,
      ...(report === undefined ? {} : { report }),
    };
    return yield call("settleJob", settleInput);
  }

  for (let round = 1; round <= input.maxAttempts; round++) {
    // 1. Find a node with room, backing off until the queue timeout (counted per placement round).
    const queueDeadline = addSeconds(orchestration.currentUtcDateTime, input.queueTimeoutSec);
    let delaySec = timing.placementRetrySec;
    // Long queue timeouts wait longer between tries, so one round's history stays bounded.
    const maxDelaySec = Math.max(
      timing.placementRetryMaxSec,
      Math.ceil(input.queueTimeoutSec / MAX_PLACEMENT_TRIES_PER_ROUND),
    );
    let placement: Placement | null = null;
    for (;;) {
      placement = (yield call("reserveNode", {
        jobId,
        buyerId,
        avoidNodeIds,
      })) as Placement | null;
      if (placement !== null) break;
      const now = orchestration.currentUtcDateTime;
      if (now.getTime() >= queueDeadline.getTime()) {
        return yield* settle("expired", `no node had capacity within ${input.queueTimeoutSec} s`);
      }
      const wakeAt = new Date(
        Math.min(addSeconds(now, delaySec).getTime(), queueDeadline.getTime()),
      );
      const backoff = orchestration.createTimer(wakeAt);
      const woke = yield* firstOf([backoff, cancel]);
      if (woke === cancel) {
        backoff.cancel();
        return yield* settle("cancelled", "cancelled by the buyer before placement");
      }
      delaySec = Math.min(delaySec * 2, maxDelaySec);
    }
    avoidNodeIds.push(placement.nodeId);

    // 2. Dispatch to the node's queue under a fresh lease.
    const acceptBy = addSeconds(orchestration.currentUtcDateTime, timing.acceptTimeoutSec);
    const dispatched = (yield call("dispatchJob", {
      jobId,
      buyerId,
      placement,
      acceptBy: acceptBy.toISOString(),
    })) as DispatchResult;
    const attempt = dispatched.attempt;

    // 3. Wait for the agent to start it, then to finish it.
    const end: AttemptEnd = yield* runAttempt(attempt, acceptBy);
    if (end.kind === "settle") return yield* settle(end.status, end.reason, end.report);
    const requeue: RequeueInput = {
      jobId,
      buyerId,
      attempt,
      nodeId: placement.nodeId,
      sellerId: placement.sellerId,
      reason: end.reason,
      nodeFault: end.nodeFault,
    };
    if (round === input.maxAttempts) {
      yield call("releaseAttempt", requeue);
      return yield* settle("lost", `${end.reason}; no attempts left`);
    }
    yield call("requeueJob", requeue);
  }
  return yield* settle("lost", "no attempts left");

  function* runAttempt(attempt: number, acceptBy: Date): Generator<Task, AttemptEnd, unknown> {
    let started = orchestration.waitForExternalEvent("started");
    let finished = orchestration.waitForExternalEvent("finished");
    let lost = orchestration.waitForExternalEvent("nodeLost");
    const acceptTimer = orchestration.createTimer(acceptBy);
    let isRunning = false;
    let deadline: TimerTask | undefined;
    const stopTimers = () => {
      if (!acceptTimer.isCompleted) acceptTimer.cancel();
      if (deadline !== undefined && !deadline.isCompleted) deadline.cancel();
    };
    for (;;) {
      const waits: Task[] = [finished, lost, cancel, isRunning ? deadline! : acceptTimer];
      if (!isRunning) waits.push(started);
      const winner = yield* firstOf(waits);
      if (winner === started) {
        if (!isFor(attempt, started.result)) {
          started = orchestration.waitForExternalEvent("started");
          continue;
        }
        acceptTimer.cancel();
        const startedAt = (started.result as LifecycleEvent["started"]).at;
        yield call("markRunning", { jobId, buyerId, attempt, at: startedAt });
        isRunning = true;
        deadline = orchestration.createTimer(
          addSeconds(
            orchestration.currentUtcDateTime,
            input.maxRuntimeSec + timing.deadlineGraceSec,
          ),
        );
        continue;
      }
      if (winner === finished) {
        if (!isFor(attempt, finished.result)) {
          finished = orchestration.waitForExternalEvent("finished");
          continue;
        }
        stopTimers();
        return reportEnd((finished.result as LifecycleEvent["finished"]).report);
      }
      if (winner === lost) {
        if (!isFor(attempt, lost.result)) {
          lost = orchestration.waitForExternalEvent("nodeLost");
          continue;
        }
        stopTimers();
        return {
          kind: "requeue",
          reason: (lost.result as LifecycleEvent["nodeLost"]).reason,
          nodeFault: "lost",
        };
      }
      if (winner === acceptTimer) {
        return {
          kind: "requeue",
          reason: "the node did not start the job in time",
          nodeFault: "notStarted",
        };
      }
      if (winner === deadline) {
        return {
          kind: "requeue",
          reason: "the node did not report within the maximum runtime",
          nodeFault: "lost",
        };
      }
      // The buyer cancelled: a placed job stops here; a running one is told via heartbeat.
      stopTimers();
      if (!isRunning)
        return {
          kind: "settle",
          status: "cancelled",
          reason: "cancelled by the buyer before it started",
        };
      yield call("markCancelRequested", { jobId, buyerId });
      const grace = orchestration.createTimer(
        addSeconds(orchestration.currentUtcDateTime, timing.cancelGraceSec),
      );
      for (;;) {
        const next = yield* firstOf([finished, lost, grace]);
        if (next === finished && !isFor(attempt, finished.result)) {
          finished = orchestration.waitForExternalEvent("finished");
          continue;
        }
        if (next === lost && !isFor(attempt, lost.result)) {
          lost = orchestration.waitForExternalEvent("nodeLost");
          continue;
        }
        if (next !== grace) grace.cancel();
        const report =
          next === finished ? (finished.result as LifecycleEvent["finished"]).report : undefined;
        const status = report === undefined ? "cancelled" : (statusOfReport(report) ?? "cancelled");
        return {
          kind: "settle",
          status,
          reason: "cancelled by the buyer",
          ...(report === undefined ? {} : { report }),
        };
      }
    }
  }
};
