// History events in the shape the Durable extension hands to out-of-process workers: PascalCase
// fields, EventType numbers from DurableTask.Core, JSON text for inputs and results.

/** DurableTask.Core EventType numbers (the subset devhost writes). */
export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventRaised: 15,
  ContinueAsNew: 16,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;

export type EventTypeNumber = (typeof EventType)[keyof typeof EventType];

export interface HistoryEvent {
  EventType: EventTypeNumber;
  /** Sequence number for TaskScheduled/TimerCreated; -1 otherwise. */
  EventId: number;
  IsPlayed: boolean;
  /** ISO-8601 UTC. */
  Timestamp: string;
  Name?: string;
  /** JSON text. */
  Input?: string;
  /** JSON text. */
  Result?: string;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  Reason?: string;
  Details?: string;
  OrchestrationStatus?: string;
  /** Sub-orchestration instance id (SubOrchestrationInstanceCreated). */
  InstanceId?: string;
}

const eventTypeNames = new Map<number, string>(
  Object.entries(EventType).map(([name, value]) => [value, name]),
);

export function eventTypeName(type: number): string {
  return eventTypeNames.get(type) ?? String(type);
}

function event(
  type: EventTypeNumber,
  timestamp: string,
  fields: Partial<HistoryEvent> = {},
): HistoryEvent {
  return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: timestamp, ...fields };
}

export const history = {
  orchestratorStarted: (at: string) => event(EventType.OrchestratorStarted, at),
  orchestratorCompleted: (at: string) => event(EventType.OrchestratorCompleted, at),
  executionStarted: (at: string, name: string, input: string | undefined) =>
    event(
      EventType.ExecutionStarted,
      at,
      input === undefined ? { Name: name } : { Name: name, Input: input },
    ),
  executionCompleted: (at: string, result: string | undefined) =>
    event(EventType.ExecutionCompleted, at, {
      OrchestrationStatus: "Completed",
      ...(result === undefined ? {} : { Result: result }),
    }),
  executionFailed: (at: string, reason: string, details: string) =>
    event(EventType.ExecutionFailed, at, {
      OrchestrationStatus: "Failed",
      Reason: reason,
      Details: details,
    }),
  executionTerminated: (at: string, reason: string) =>
    event(EventType.ExecutionTerminated, at, { Input: JSON.stringify(reason) }),
  continueAsNew: (at: string, input: string | undefined) =>
    event(EventType.ContinueAsNew, at, input === undefined ? {} : { Input: input }),
  taskScheduled: (at: string, id: number, name: string, input: string | undefined) =>
    event(EventType.TaskScheduled, at, {
      EventId: id,
      Name: name,
      ...(input === undefined ? {} : { Input: input }),
    }),
  taskCompleted: (at: string, scheduledId: number, result: string) =>
    event(EventType.TaskCompleted, at, { TaskScheduledId: scheduledId, Result: result }),
  taskFailed: (at: string, scheduledId: number, reason: string, details: string) =>
    event(EventType.TaskFailed, at, {
      TaskScheduledId: scheduledId,
      Reason: reason,
      Details: details,
    }),
  subOrchestrationCreated: (
    at: string,
    id: number,
    name: string,
    instanceId: string,
    input: string | undefined,
  ) =>
    event(EventType.SubOrchestrationInstanceCreated, at, {
      EventId: id,
      Name: name,
      InstanceId: instanceId,
      ...(input === undefined ? {} : { Input: input }),
    }),
  subOrchestrationCompleted: (at: string, scheduledId: number, result: string) =>
    event(EventType.SubOrchestrationInstanceCompleted, at, {
      TaskScheduledId: scheduledId,
      Result: result,
    }),
  subOrchestrationFailed: (at: string, scheduledId: number, reason: string, details: string) =>
    event(EventType.SubOrchestrationInstanceFailed, at, {
      TaskScheduledId: scheduledId,
      Reason: reason,
      Details: details,
    }),
  timerCreated: (at: string, id: number, fireAt: string) =>
    event(EventType.TimerCreated, at, { EventId: id, FireAt: fireAt }),
  timerFired: (at: string, timerId: number, fireAt: string) =>
    event(EventType.TimerFired, at, { TimerId: timerId, FireAt: fireAt }),
  eventRaised: (at: string, name: string, input: string | undefined) =>
    event(
      EventType.EventRaised,
      at,
      input === undefined ? { Name: name } : { Name: name, Input: input },
    ),
  executionSuspended: (at: string, reason: string) =>
    event(EventType.ExecutionSuspended, at, { Reason: reason }),
  executionResumed: (at: string, reason: string) =>
    event(EventType.ExecutionResumed, at, { Reason: reason }),
};

const knownTypes = new Set<number>(Object.values(EventType));

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === "string";
}

/** Narrows a stored event (parsed JSON) back to a HistoryEvent. */
export function isHistoryEvent(value: unknown): value is HistoryEvent {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.EventType === "number" &&
    knownTypes.has(v.EventType) &&
    typeof v.EventId === "number" &&
    typeof v.Timestamp === "string" &&
    optionalString(v.Name) &&
    optionalString(v.Input) &&
    optionalString(v.Result)
  );
}
