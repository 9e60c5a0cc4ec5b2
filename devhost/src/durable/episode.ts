// The pure core of the engine: which pending events one episode delivers, and what the
// orchestrator's answer changes (history, open tasks, status). No I/O and no clock of its own.
import type { OrchestratorAction } from "./actions.js";
import { EventType, history, type HistoryEvent } from "./history.js";
import type {
  CallTarget,
  InstanceRecord,
  OpenTask,
  PendingEvent,
  RetryProgress,
} from "./instance.js";
import type { OrchestratorOutcome } from "./orchestrator-outcome.js";
import { retryDelayMs, retryWindowClosed } from "./retry-policy.js";

export interface ActivityWork {
  seq: number;
  name: string;
  input: string | undefined;
}

export interface SubOrchestrationWork {
  seq: number;
  name: string;
  instanceId: string;
  input: string | undefined;
}

export interface TimerWork {
  seq: number;
  fireAt: string;
}

/** What an episode delivers to the orchestrator, decided before it runs. */
export interface EpisodePlan {
  timestamp: string;
  /** New events the orchestrator sees, OrchestratorStarted first. */
  delivered: HistoryEvent[];
  /** Decisions the deliveries caused (retry timers and attempts); ignored by the library on replay. */
  decided: HistoryEvent[];
  consumed: PendingEvent[];
  /** Events for tasks that no longer exist (an old execution, a finished task). */
  stale: PendingEvent[];
  record: InstanceRecord;
  activities: ActivityWork[];
  subOrchestrations: SubOrchestrationWork[];
  timers: TimerWork[];
  /** Failures to deliver next episode without running the activity (retry timeout ran out). */
  immediateFailures: PendingEvent[];
  /** False when nothing reaches the orchestrator (only stale events to drop). */
  needsReplay: boolean;
}

function cloneRecord(record: InstanceRecord): InstanceRecord {
  return { ...record, openTasks: { ...record.openTasks } };
}

function isTaskEvent(event: PendingEvent): event is Extract<PendingEvent, { seq: number }> {
  return (
    event.kind === "taskCompleted" || event.kind === "taskFailed" || event.kind === "timerFired"
  );
}

/**
 * A failure of a retried activity and the firing of its retry timer make the library take a new
 * sequence number while it processes the event. Delivering at most one such event per episode,
 * first, keeps the engine's numbering in step with the library's.
 */
function takesRetrySequence(task: OpenTask, event: PendingEvent): boolean {
  if (event.kind === "taskFailed") {
    return (
      (task.kind === "activity" || task.kind === "subOrchestration") && task.retry !== undefined
    );
  }
  if (event.kind === "timerFired") return task.kind === "retryTimer";
  return false;
}

function addMs(at: string, ms: number): string {
  return new Date(Date.parse(at) + ms).toISOString();
}

/** Chooses and records the deliveries of one episode. */
export function planEpisode(
  record: InstanceRecord,
  pending: readonly PendingEvent[],
  now: Date,
): EpisodePlan {
  const rec = cloneRecord(record);
  const timestamp = now.toISOString();
  const plan: EpisodePlan = {
    timestamp,
    delivered: [history.orchestratorStarted(timestamp)],
    decided: [],
    consumed: [],
    stale: [],
    record: rec,
    activities: [],
    subOrchestrations: [],
    timers: [],
    immediateFailures: [],
    needsReplay: false,
  };
  const starting = rec.historyLength === 0;
  if (starting) plan.delivered.push(history.executionStarted(timestamp, rec.name, rec.input));

  const live: PendingEvent[] = [];
  // Activities run at least once, so a re-run after a reload can report a task a second time:
  // only the first report of an open task counts.
  const reported = new Set<number>();
  for (const event of pending) {
    if (event.kind === "control") continue;
    if (
      isTaskEvent(event) &&
      (event.executionId !== rec.executionId ||
        rec.openTasks[event.seq] === undefined ||
        reported.has(event.seq))
    ) {
      plan.stale.push(event);
      continue;
    }
    if (isTaskEvent(event)) reported.add(event.seq);
    live.push(event);
  }
  const retryEvent = starting
    ? undefined
    : live.find((e) => isTaskEvent(e) && takesRetrySequence(rec.openTasks[e.seq]!, e));
  const ordered =
    retryEvent === undefined ? live : [retryEvent, ...live.filter((e) => e !== retryEvent)];
  for (const event of ordered) {
    if (
      isTaskEvent(event) &&
      event !== retryEvent &&
      takesRetrySequence(rec.openTasks[event.seq]!, event)
    )
      continue;
    deliver(plan, event, now);
  }
  plan.needsReplay = starting || plan.consumed.length > 0;
  return plan;
}

function deliver(plan: EpisodePlan, event: PendingEvent, now: Date): void {
  const rec = plan.record;
  const at = plan.timestamp;
  plan.consumed.push(event);
  if (event.kind === "eventRaised") {
    plan.delivered.push(history.eventRaised(at, event.name, event.input));
    return;
  }
  if (!isTaskEvent(event)) return;
  const task = rec.openTasks[event.seq]!;
  delete rec.openTasks[event.seq];
  const isSub = task.kind === "subOrchestration";
  if (event.kind === "taskCompleted") {
    plan.delivered.push(
      isSub
        ? history.subOrchestrationCompleted(at, event.seq, event.result)
        : history.taskCompleted(at, event.seq, event.result),
    );
    return;
  }
  if (event.kind === "taskFailed") {
    plan.delivered.push(
      isSub
        ? history.subOrchestrationFailed(at, event.seq, event.reason, event.details)
        : history.taskFailed(at, event.seq, event.reason, event.details),
    );
    if (
      (task.kind === "activity" || task.kind === "subOrchestration") &&
      task.retry !== undefined
    ) {
      const retry: RetryProgress = {
        ...task.retry,
        failures: task.retry.failures + 1,
        lastReason: event.reason,
        lastDetails: event.details,
      };
      const closed = retryWindowClosed(retry.policy, retry.firstAttemptAt, now);
      const fireAt = closed ? at : addMs(at, retryDelayMs(retry.policy, retry.failures));
      const timerSeq = rec.nextSeq++;
      const target: CallTarget =
        task.kind === "activity"
          ? { kind: "activity", name: task.name, input: task.input }
          : {
              kind: "subOrchestration",
              name: task.name,
              input: task.input,
              instanceId: task.instanceId,
            };
      plan.decided.push(history.timerCreated(at, timerSeq, fireAt));
      rec.openTasks[timerSeq] = { kind: "retryTimer", fireAt, target, retry };
      plan.timers.push({ seq: timerSeq, fireAt });
    }
    return;
  }
  // timerFired
  if (task.kind !== "timer" && task.kind !== "retryTimer") return;
  plan.delivered.push(history.timerFired(at, event.seq, task.fireAt));
  if (task.kind !== "retryTimer" || task.retry.failures >= task.retry.policy.maxNumberOfAttempts)
    return;
  const seq = rec.nextSeq++;
  const { target, retry } = task;
  if (target.kind === "activity") {
    plan.decided.push(history.taskScheduled(at, seq, target.name, target.input));
    rec.openTasks[seq] = { kind: "activity", name: target.name, input: target.input, retry };
  } else {
    const instanceId = target.instanceId ?? childInstanceId(rec, seq);
    plan.decided.push(
      history.subOrchestrationCreated(at, seq, target.name, instanceId, target.input),
    );
    rec.openTasks[seq] = {
      kind: "subOrchestration",
      name: target.name,
      input: target.input,
      instanceId,
      retry,
    };
  }
  if (retryWindowClosed(retry.policy, retry.firstAttemptAt, now)) {
    plan.immediateFailures.push({
      kind: "taskFailed",
      executionId: rec.executionId,
      seq,
      reason: retry.lastReason ?? `Function '${target.name}' failed: retry timeout expired`,
      details: retry.lastDetails ?? "",
    });
  } else if (target.kind === "activity") {
    plan.activities.push({ seq, name: target.name, input: target.input });
  } else {
    const open = rec.openTasks[seq] as Extract<OpenTask, { kind: "subOrchestration" }>;
    plan.subOrchestrations.push({
      seq,
      name: target.name,
      instanceId: open.instanceId,
      input: target.input,
    });
  }
}

/** Instance id of a sub-orchestration started without one: unique per parent and sequence number. */
export function childInstanceId(parent: InstanceRecord, seq: number): string {
  return `${parent.instanceId}:${parent.executionId.slice(0, 8)}:${seq}`;
}

/** Everything one episode changes, ready to be committed. */
export interface EpisodeResult {
  record: InstanceRecord;
  /** Events to append to the execution's history, in order. */
  appended: HistoryEvent[];
  activities: ActivityWork[];
  subOrchestrations: SubOrchestrationWork[];
  timers: TimerWork[];
  /** Set when the orchestrator called continueAsNew: the next execution's input. */
  continueAsNew?: { input: string | undefined };
  /** Raised events no waiter consumed; they move to the next execution on continueAsNew. */
  carriedEvents: { name: string; input: string | undefined }[];
}

function unsupportedMessage(actionType: number): string {
  return (
    `devhost's Durable runtime does not support orchestrator action type ${actionType} ` +
    "(entities and callHttp are not available locally)."
  );
}

/** Raised events in the execution that no waitForExternalEvent consumed, oldest first. */
function unconsumedEvents(
  events: readonly HistoryEvent[],
  actions: readonly OrchestratorAction[],
): { name: string; input: string | undefined }[] {
  const waits = new Map<string, number>();
  for (const action of actions) {
    if (action.kind === "waitForEvent") waits.set(action.name, (waits.get(action.name) ?? 0) + 1);
  }
  const carried: { name: string; input: string | undefined }[] = [];
  for (const event of events) {
    if (event.EventType !== EventType.EventRaised || event.Name === undefined) continue;
    const left = waits.get(event.Name) ?? 0;
    if (left > 0) waits.set(event.Name, left - 1);
    else carried.push({ name: event.Name, input: event.Input });
  }
  return carried;
}

/**
 * Applies the orchestrator's answer to a planned episode. `committed` is the execution's history
 * before this episode (used to find raised events to carry over on continueAsNew).
 */
export function completeEpisode(
  plan: EpisodePlan,
  outcome: OrchestratorOutcome,
  committed: readonly HistoryEvent[],
): EpisodeResult {
  const rec = cloneRecord(plan.record);
  const at = plan.timestamp;
  const appended = [...plan.delivered, ...plan.decided];
  const result: EpisodeResult = {
    record: rec,
    appended,
    activities: [...plan.activities],
    subOrchestrations: [...plan.subOrchestrations],
    timers: [...plan.timers],
    carriedEvents: [],
  };
  rec.lastUpdatedTime = at;
  if (outcome.customStatus !== undefined) rec.customStatus = outcome.customStatus;

  let error = outcome.error;
  let continueInput: { input: string | undefined } | undefined;
  if (error === undefined) {
    outcome.actions.forEach((action, index) => {
      if (index < rec.knownActions) {
        if (action.kind === "timer" && action.isCanceled) cancelTimer(rec, index, result);
        return;
      }
      switch (action.kind) {
        case "activity": {
          const seq = rec.nextSeq++;
          appended.push(history.taskScheduled(at, seq, action.functionName, action.input));
          const task: OpenTask = {
            kind: "activity",
            name: action.functionName,
            input: action.input,
          };
          if (action.retry !== undefined)
            task.retry = { policy: action.retry, failures: 0, firstAttemptAt: at };
          rec.openTasks[seq] = task;
          result.activities.push({ seq, name: action.functionName, input: action.input });
          break;
        }
        case "subOrchestration": {
          const seq = rec.nextSeq++;
          const instanceId = action.instanceId ?? childInstanceId(rec, seq);
          appended.push(
            history.subOrchestrationCreated(at, seq, action.functionName, instanceId, action.input),
          );
          const task: OpenTask = {
            kind: "subOrchestration",
            name: action.functionName,
            input: action.input,
            instanceId,
          };
          if (action.retry !== undefined)
            task.retry = { policy: action.retry, failures: 0, firstAttemptAt: at };
          rec.openTasks[seq] = task;
          result.subOrchestrations.push({
            seq,
            name: action.functionName,
            instanceId,
            input: action.input,
          });
          break;
        }
        case "timer": {
          const seq = rec.nextSeq++;
          if (action.isCanceled) break;
          appended.push(history.timerCreated(at, seq, action.fireAt));
          rec.openTasks[seq] = { kind: "timer", fireAt: action.fireAt, actionIndex: index };
          result.timers.push({ seq, fireAt: action.fireAt });
          break;
        }
        case "continueAsNew":
          continueInput = { input: action.input };
          break;
        case "waitForEvent":
          break;
        case "unsupported":
          error ??= unsupportedMessage(action.actionType);
          break;
      }
    });
    rec.knownActions = Math.max(rec.knownActions, outcome.actions.length);
  }

  if (error !== undefined) {
    rec.status = "Failed";
    rec.output = JSON.stringify(`Orchestrator function '${rec.name}' failed: ${error}`);
    rec.openTasks = {};
    appended.push(history.orchestratorCompleted(at), history.executionFailed(at, error, ""));
    result.activities = [];
    result.subOrchestrations = [];
    result.timers = [];
  } else if (outcome.done && continueInput !== undefined) {
    rec.status = "ContinuedAsNew";
    rec.openTasks = {};
    appended.push(
      history.orchestratorCompleted(at),
      history.continueAsNew(at, continueInput.input),
    );
    result.continueAsNew = continueInput;
    result.carriedEvents = unconsumedEvents([...committed, ...appended], outcome.actions);
    result.activities = [];
    result.subOrchestrations = [];
    result.timers = [];
  } else if (outcome.done) {
    rec.status = "Completed";
    rec.output = outcome.output ?? "null";
    rec.openTasks = {};
    appended.push(history.orchestratorCompleted(at), history.executionCompleted(at, rec.output));
    result.activities = [];
    result.subOrchestrations = [];
    result.timers = [];
  } else {
    rec.status = "Running";
    appended.push(history.orchestratorCompleted(at));
  }
  rec.historyLength += appended.length;
  return result;
}

function cancelTimer(rec: InstanceRecord, actionIndex: number, result: EpisodeResult): void {
  for (const [seq, task] of Object.entries(rec.openTasks)) {
    if (task.kind === "timer" && task.actionIndex === actionIndex) {
      delete rec.openTasks[seq];
      result.timers = result.timers.filter((t) => t.seq !== Number(seq));
    }
  }
}

export type ControlOp = "terminate" | "suspend" | "resume";

/** Applies a management operation; returns undefined when it does not apply in the current status. */
export function applyControl(
  record: InstanceRecord,
  op: ControlOp,
  reason: string,
  now: Date,
): { record: InstanceRecord; appended: HistoryEvent[] } | undefined {
  const at = now.toISOString();
  const rec = cloneRecord(record);
  rec.lastUpdatedTime = at;
  if (op === "terminate") {
    if (
      rec.status === "Completed" ||
      rec.status === "Failed" ||
      rec.status === "Terminated" ||
      rec.status === "Canceled"
    ) {
      return undefined;
    }
    rec.status = "Terminated";
    rec.output = JSON.stringify(reason);
    rec.openTasks = {};
    const appended = [history.orchestratorStarted(at), history.executionTerminated(at, reason)];
    rec.historyLength += appended.length;
    return { record: rec, appended };
  }
  if (op === "suspend") {
    if (rec.status !== "Running" && rec.status !== "Pending") return undefined;
    rec.status = "Suspended";
    const appended = [history.executionSuspended(at, reason)];
    rec.historyLength += appended.length;
    return { record: rec, appended };
  }
  if (rec.status !== "Suspended") return undefined;
  rec.status = "Running";
  const appended = [history.executionResumed(at, reason)];
  rec.historyLength += appended.length;
  return { record: rec, appended };
}

/** The record of a fresh execution (start, restart with the same id, or continueAsNew). */
export function newExecution(
  base: { instanceId: string; name: string; createdTime: string },
  input: string | undefined,
  executionId: string,
  now: Date,
): InstanceRecord {
  return {
    instanceId: base.instanceId,
    name: base.name,
    status: "Pending",
    input,
    output: undefined,
    customStatus: undefined,
    createdTime: base.createdTime,
    lastUpdatedTime: now.toISOString(),
    executionId,
    nextSeq: 0,
    knownActions: 0,
    historyLength: 0,
    historyInline: true,
    openTasks: {},
  };
}
