// The JSON the Durable HTTP API answers status requests with (HttpApiHandler.ConvertFrom).
import { EventType, eventTypeName, type HistoryEvent } from "./history.js";
import type { InstanceSummary } from "./instance.js";

export interface StatusPayload {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Record<string, unknown>[];
  history?: Record<string, unknown>[];
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Seconds precision with a Z, as the extension formats these times. */
function statusTime(iso: string): string {
  return `${iso.slice(0, 19)}Z`;
}

/** A readable history: what ran, when, and (with showHistoryOutput) what it returned. */
function summarizeHistory(
  events: readonly HistoryEvent[],
  withOutput: boolean,
): Record<string, unknown>[] {
  const scheduled = new Map<number, HistoryEvent>();
  const out: Record<string, unknown>[] = [];
  for (const event of events) {
    switch (event.EventType) {
      case EventType.TaskScheduled:
        scheduled.set(event.EventId, event);
        break;
      case EventType.ExecutionStarted:
        out.push({
          EventType: "ExecutionStarted",
          FunctionName: event.Name,
          Timestamp: event.Timestamp,
        });
        break;
      case EventType.TaskCompleted:
      case EventType.TaskFailed: {
        const origin =
          event.TaskScheduledId === undefined ? undefined : scheduled.get(event.TaskScheduledId);
        const entry: Record<string, unknown> = {
          EventType: eventTypeName(event.EventType),
          FunctionName: origin?.Name,
          ScheduledTime: origin?.Timestamp,
          Timestamp: event.Timestamp,
        };
        if (event.EventType === EventType.TaskFailed) {
          entry.Reason = event.Reason;
          entry.Details = event.Details;
        } else if (withOutput) entry.Result = parseJson(event.Result);
        out.push(entry);
        break;
      }
      case EventType.TimerCreated:
      case EventType.TimerFired:
        out.push({
          EventType: eventTypeName(event.EventType),
          FireAt: event.FireAt,
          Timestamp: event.Timestamp,
        });
        break;
      case EventType.EventRaised:
        out.push({
          EventType: "EventRaised",
          Name: event.Name,
          Timestamp: event.Timestamp,
          ...(withOutput ? { Input: parseJson(event.Input) } : {}),
        });
        break;
      case EventType.ExecutionCompleted:
      case EventType.ExecutionFailed:
      case EventType.ExecutionTerminated:
      case EventType.ContinueAsNew:
      case EventType.ExecutionSuspended:
      case EventType.ExecutionResumed: {
        const entry: Record<string, unknown> = {
          EventType: eventTypeName(event.EventType),
          Timestamp: event.Timestamp,
        };
        if (event.OrchestrationStatus !== undefined)
          entry.OrchestrationStatus = event.OrchestrationStatus;
        if (event.Reason !== undefined) entry.Reason = event.Reason;
        if (withOutput && event.Result !== undefined) entry.Result = parseJson(event.Result);
        out.push(entry);
        break;
      }
      default:
        break;
    }
  }
  return out;
}

export function statusPayload(
  record: InstanceSummary,
  options: { showInput: boolean; history?: readonly HistoryEvent[]; showHistoryOutput?: boolean },
): StatusPayload {
  const payload: StatusPayload = {
    name: record.name,
    instanceId: record.instanceId,
    runtimeStatus: record.status,
    input: options.showInput ? parseJson(record.input) : null,
    customStatus: parseJson(record.customStatus),
    output: parseJson(record.output),
    createdTime: statusTime(record.createdTime),
    lastUpdatedTime: statusTime(record.lastUpdatedTime),
  };
  if (options.history !== undefined) {
    const events = summarizeHistory(options.history, options.showHistoryOutput === true);
    // The extension names it historyEvents; durable-functions' status class reads `history`.
    payload.historyEvents = events;
    payload.history = events;
  }
  return payload;
}
