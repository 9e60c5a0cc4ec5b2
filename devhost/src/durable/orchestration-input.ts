// The orchestrationTrigger value the Durable extension sends an out-of-process worker.
import type { HistoryEvent } from "./history.js";
import type { InstanceRecord } from "./instance.js";

/** ReplaySchema V3: compound actions kept, timer and HTTP polling settings honoured. */
const UPPER_SCHEMA_VERSION = 2;
/**
 * Timers up to this long are single timers. Ten years keeps durable-functions from splitting
 * long timers into chained sub-timers, which the local scheduler does not need.
 */
const MAXIMUM_SHORT_TIMER = "3650.00:00:00";
const LONG_TIMER_INTERVAL = "3.00:00:00";
const HTTP_POLL_MS = 30_000;

export interface OrchestrationInput {
  history: HistoryEvent[];
  input: unknown;
  instanceId: string;
  isReplaying: boolean;
  parentInstanceId: string | null;
  upperSchemaVersion: number;
  upperSchemaVersionNew: number;
  longRunningTimerIntervalDuration: string;
  maximumShortTimerDuration: string;
  defaultHttpAsyncRequestSleepTimeMillseconds: number;
}

/**
 * Builds a fresh input (the library rewrites Timestamps in place, so events are copied): the
 * committed history marked as played, then this episode's new events.
 */
export function orchestrationInput(
  record: Pick<InstanceRecord, "instanceId" | "input" | "parent">,
  committed: readonly HistoryEvent[],
  fresh: readonly HistoryEvent[],
): OrchestrationInput {
  return {
    history: [
      ...committed.map((e) => ({ ...e, IsPlayed: true })),
      ...fresh.map((e) => ({ ...e, IsPlayed: false })),
    ],
    input: record.input === undefined ? undefined : (JSON.parse(record.input) as unknown),
    instanceId: record.instanceId,
    isReplaying: committed.length > 0,
    parentInstanceId: record.parent?.instanceId ?? null,
    upperSchemaVersion: UPPER_SCHEMA_VERSION,
    upperSchemaVersionNew: UPPER_SCHEMA_VERSION,
    longRunningTimerIntervalDuration: LONG_TIMER_INTERVAL,
    maximumShortTimerDuration: MAXIMUM_SHORT_TIMER,
    defaultHttpAsyncRequestSleepTimeMillseconds: HTTP_POLL_MS,
  };
}
