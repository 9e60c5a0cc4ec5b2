// The persisted state of one orchestration instance and the events waiting to be delivered to it.
import type { RetryPolicy } from "./actions.js";

export type RuntimeStatus =
  | "Pending"
  | "Running"
  | "Completed"
  | "ContinuedAsNew"
  | "Failed"
  | "Canceled"
  | "Terminated"
  | "Suspended";

export const runtimeStatuses: readonly RuntimeStatus[] = [
  "Pending",
  "Running",
  "Completed",
  "ContinuedAsNew",
  "Failed",
  "Canceled",
  "Terminated",
  "Suspended",
];

export function isRuntimeStatus(value: unknown): value is RuntimeStatus {
  return typeof value === "string" && (runtimeStatuses as readonly string[]).includes(value);
}

export function isTerminal(status: RuntimeStatus): boolean {
  return (
    status === "Completed" ||
    status === "Failed" ||
    status === "Terminated" ||
    status === "Canceled"
  );
}

/** Retry progress of one callActivityWithRetry, carried from attempt to attempt. */
export interface RetryProgress {
  policy: RetryPolicy;
  /** Failed attempts so far. */
  failures: number;
  firstAttemptAt: string;
  /** Reason/Details of the last failure, for attempts the retry timeout forbids. */
  lastReason?: string;
  lastDetails?: string;
}

/** What a retried task calls: an activity, or a sub-orchestration. */
export type CallTarget =
  | { kind: "activity"; name: string; input: string | undefined }
  | {
      kind: "subOrchestration";
      name: string;
      input: string | undefined;
      instanceId: string | undefined;
    };

/** Work the instance is waiting on, keyed by sequence number. */
export type OpenTask =
  | { kind: "activity"; name: string; input: string | undefined; retry?: RetryProgress }
  | {
      kind: "subOrchestration";
      name: string;
      input: string | undefined;
      instanceId: string;
      retry?: RetryProgress;
    }
  | { kind: "timer"; fireAt: string; actionIndex: number }
  | { kind: "retryTimer"; fireAt: string; target: CallTarget; retry: RetryProgress };

/** The orchestration that started this one as a sub-orchestration. */
export interface ParentLink {
  instanceId: string;
  executionId: string;
  /** Sequence number of the parent's task waiting on this instance. */
  seq: number;
}

export interface InstanceRecord {
  instanceId: string;
  name: string;
  status: RuntimeStatus;
  /** JSON text. */
  input: string | undefined;
  /** JSON text. */
  output: string | undefined;
  /** JSON text. */
  customStatus: string | undefined;
  createdTime: string;
  lastUpdatedTime: string;
  executionId: string;
  /** Next sequence number the library will assign in this execution. */
  nextSeq: number;
  /** How many (flattened) actions of this execution the engine has acted on. */
  knownActions: number;
  /** Committed history events of this execution. */
  historyLength: number;
  /** Whether the history lives in the instance row (short histories) rather than history rows. */
  historyInline: boolean;
  openTasks: Record<string, OpenTask>;
  parent?: ParentLink;
}

/** What status queries show of an instance. */
export type InstanceSummary = Pick<
  InstanceRecord,
  | "instanceId"
  | "name"
  | "status"
  | "input"
  | "output"
  | "customStatus"
  | "createdTime"
  | "lastUpdatedTime"
>;

/** Something that happened to an instance and is not yet in its history. */
export type PendingEvent =
  | { kind: "taskCompleted"; executionId: string; seq: number; result: string }
  | { kind: "taskFailed"; executionId: string; seq: number; reason: string; details: string }
  | { kind: "timerFired"; executionId: string; seq: number }
  | { kind: "eventRaised"; name: string; input: string | undefined; inboxKey?: string }
  | { kind: "control"; op: "terminate" | "suspend" | "resume"; reason: string; inboxKey?: string };
