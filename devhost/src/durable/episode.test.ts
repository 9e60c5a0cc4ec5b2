import { describe, expect, it } from "vitest";
import {
  ActionType,
  flattenActions,
  type OrchestratorAction,
  type RetryPolicy,
} from "./actions.js";
import { applyControl, completeEpisode, newExecution, planEpisode } from "./episode.js";
import { EventType, history } from "./history.js";
import type { InstanceRecord, PendingEvent } from "./instance.js";
import { outcomeFromError, type OrchestratorOutcome } from "./orchestrator-outcome.js";
import { retryDelayMs } from "./retry-policy.js";

const T0 = new Date("2026-01-01T00:00:00.000Z");
const later = (ms: number): Date => new Date(T0.getTime() + ms);

function started(): InstanceRecord {
  return {
    ...newExecution(
      { instanceId: "i1", name: "orch", createdTime: T0.toISOString() },
      '"in"',
      "e1",
      T0,
    ),
    status: "Running",
  };
}

function running(outcome: Partial<OrchestratorOutcome>): OrchestratorOutcome {
  return {
    actions: [],
    done: false,
    output: undefined,
    customStatus: undefined,
    error: undefined,
    ...outcome,
  };
}

const activity = (name: string, retry?: RetryPolicy): OrchestratorAction =>
  retry === undefined
    ? { kind: "activity", functionName: name, input: undefined }
    : { kind: "activity", functionName: name, input: undefined, retry };

describe("planning and completing episodes", () => {
  it("starts a new execution with OrchestratorStarted then ExecutionStarted and numbers new actions in order", () => {
    const plan = planEpisode(started(), [], T0);
    expect(plan.needsReplay).toBe(true);
    expect(plan.delivered.map((e) => e.EventType)).toEqual([
      EventType.OrchestratorStarted,
      EventType.ExecutionStarted,
    ]);
    const result = completeEpisode(
      plan,
      running({
        actions: [
          activity("a"),
          { kind: "waitForEvent", name: "go" },
          { kind: "timer", fireAt: later(5000).toISOString(), isCanceled: false },
        ],
      }),
      [],
    );
    expect(result.activities).toEqual([{ seq: 0, name: "a", input: undefined }]);
    expect(result.timers).toEqual([{ seq: 1, fireAt: later(5000).toISOString() }]);
    expect(result.record.nextSeq).toBe(2);
    expect(result.record.knownActions).toBe(3);
    expect(result.appended.map((e) => e.EventType)).toEqual([
      EventType.OrchestratorStarted,
      EventType.ExecutionStarted,
      EventType.TaskScheduled,
      EventType.TimerCreated,
      EventType.OrchestratorCompleted,
    ]);
    expect(result.record.historyLength).toBe(5);
  });

  it("counts only the first report of a task that ran twice (at-least-once activities)", () => {
    const first = planEpisode(started(), [], T0);
    const afterFirst = completeEpisode(first, running({ actions: [activity("a")] }), []).record;
    const done: PendingEvent = { kind: "taskCompleted", executionId: "e1", seq: 0, result: '"ok"' };
    const plan = planEpisode(afterFirst, [done, { ...done, result: '"again"' }], later(10));
    expect(plan.consumed).toEqual([done]);
    expect(plan.stale).toEqual([{ ...done, result: '"again"' }]);
    expect(plan.delivered.filter((e) => e.EventType === EventType.TaskCompleted)).toHaveLength(1);
  });

  it("delivers one retry-numbering event per episode, first, and allocates its retry timer before new actions", () => {
    const policy = {
      firstRetryIntervalInMilliseconds: 100,
      maxNumberOfAttempts: 3,
      backoffCoefficient: 2,
    };
    const record: InstanceRecord = {
      ...started(),
      historyLength: 5,
      nextSeq: 3,
      knownActions: 3,
      openTasks: {
        "0": {
          kind: "activity",
          name: "r1",
          input: undefined,
          retry: { policy, failures: 0, firstAttemptAt: T0.toISOString() },
        },
        "1": {
          kind: "activity",
          name: "r2",
          input: undefined,
          retry: { policy, failures: 0, firstAttemptAt: T0.toISOString() },
        },
        "2": { kind: "activity", name: "plain", input: undefined },
      },
    };
    const pending: PendingEvent[] = [
      { kind: "taskCompleted", executionId: "e1", seq: 2, result: "1" },
      { kind: "taskFailed", executionId: "e1", seq: 0, reason: "r", details: "d" },
      { kind: "taskFailed", executionId: "e1", seq: 1, reason: "r", details: "d" },
      { kind: "taskCompleted", executionId: "old", seq: 0, result: "1" },
    ];
    const plan = planEpisode(record, pending, later(1000));
    expect(plan.delivered.map((e) => [e.EventType, e.TaskScheduledId])).toEqual([
      [EventType.OrchestratorStarted, undefined],
      [EventType.TaskFailed, 0],
      [EventType.TaskCompleted, 2],
    ]);
    expect(plan.consumed).toHaveLength(2);
    expect(plan.stale).toHaveLength(1);
    expect(plan.record.openTasks["3"]).toMatchObject({
      kind: "retryTimer",
      fireAt: later(1100).toISOString(),
    });
    expect(plan.timers).toEqual([{ seq: 3, fireAt: later(1100).toISOString() }]);
    const result = completeEpisode(
      plan,
      running({ actions: [activity("r1"), activity("r2"), activity("plain"), activity("next")] }),
      [],
    );
    expect(result.activities).toEqual([{ seq: 4, name: "next", input: undefined }]);
  });

  it("reschedules a retried activity when its retry timer fires, until attempts run out", () => {
    const policy = { firstRetryIntervalInMilliseconds: 100, maxNumberOfAttempts: 2 };
    const retry = { policy, failures: 1, firstAttemptAt: T0.toISOString() };
    const record: InstanceRecord = {
      ...started(),
      historyLength: 8,
      nextSeq: 2,
      knownActions: 1,
      openTasks: {
        "1": {
          kind: "retryTimer",
          fireAt: later(100).toISOString(),
          target: { kind: "activity", name: "r", input: "7" },
          retry,
        },
      },
    };
    const plan = planEpisode(
      record,
      [{ kind: "timerFired", executionId: "e1", seq: 1 }],
      later(100),
    );
    expect(plan.activities).toEqual([{ seq: 2, name: "r", input: "7" }]);
    expect(plan.decided.map((e) => e.EventType)).toEqual([EventType.TaskScheduled]);

    const exhausted: InstanceRecord = {
      ...record,
      openTasks: {
        "1": {
          kind: "retryTimer",
          fireAt: later(100).toISOString(),
          target: { kind: "activity", name: "r", input: "7" },
          retry: { ...retry, failures: 2 },
        },
      },
    };
    const last = planEpisode(
      exhausted,
      [{ kind: "timerFired", executionId: "e1", seq: 1 }],
      later(100),
    );
    expect(last.activities).toEqual([]);
    expect(last.record.nextSeq).toBe(2);
  });

  it("starts a retried sub-orchestration again under a fresh child id", () => {
    const policy = { firstRetryIntervalInMilliseconds: 50, maxNumberOfAttempts: 2 };
    const record: InstanceRecord = {
      ...started(),
      historyLength: 5,
      nextSeq: 1,
      knownActions: 1,
      openTasks: {
        "0": {
          kind: "subOrchestration",
          name: "child",
          input: "1",
          instanceId: "i1:e1:0",
          retry: { policy, failures: 0, firstAttemptAt: T0.toISOString() },
        },
      },
    };
    const failed = planEpisode(
      record,
      [{ kind: "taskFailed", executionId: "e1", seq: 0, reason: "x", details: "" }],
      later(10),
    );
    expect(failed.delivered[1]?.EventType).toBe(EventType.SubOrchestrationInstanceFailed);
    expect(failed.timers).toEqual([{ seq: 1, fireAt: later(60).toISOString() }]);
    const fired = planEpisode(
      failed.record,
      [{ kind: "timerFired", executionId: "e1", seq: 1 }],
      later(60),
    );
    expect(fired.subOrchestrations).toEqual([
      { seq: 2, name: "child", instanceId: "i1:e1:0", input: "1" },
    ]);
    expect(fired.decided.map((e) => e.EventType)).toEqual([
      EventType.SubOrchestrationInstanceCreated,
    ]);
  });

  it("drops a timer the orchestrator cancelled", () => {
    const record: InstanceRecord = {
      ...started(),
      historyLength: 5,
      nextSeq: 1,
      knownActions: 2,
      openTasks: { "0": { kind: "timer", fireAt: later(9000).toISOString(), actionIndex: 1 } },
    };
    const plan = planEpisode(record, [{ kind: "eventRaised", name: "go", input: "1" }], later(10));
    const result = completeEpisode(
      plan,
      running({
        done: true,
        output: "1",
        actions: [
          { kind: "waitForEvent", name: "go" },
          { kind: "timer", fireAt: later(9000).toISOString(), isCanceled: true },
        ],
      }),
      [],
    );
    expect(result.record.status).toBe("Completed");
    expect(result.record.openTasks).toEqual({});
    expect(result.timers).toEqual([]);
  });

  it("carries raised events nobody waited for into the next execution on continueAsNew", () => {
    const record: InstanceRecord = { ...started(), historyLength: 3, knownActions: 1 };
    const committed = [
      history.orchestratorStarted(T0.toISOString()),
      history.executionStarted(T0.toISOString(), "orch", undefined),
    ];
    const plan = planEpisode(
      record,
      [
        { kind: "eventRaised", name: "tick", input: "1" },
        { kind: "eventRaised", name: "tick", input: "2" },
      ],
      later(5),
    );
    const result = completeEpisode(
      plan,
      running({
        done: true,
        actions: [
          { kind: "waitForEvent", name: "tick" },
          { kind: "continueAsNew", input: "{}" },
        ],
      }),
      committed,
    );
    expect(result.continueAsNew).toEqual({ input: "{}" });
    expect(result.carriedEvents).toEqual([{ name: "tick", input: "2" }]);
  });

  it("fails the orchestration on actions devhost cannot run", () => {
    const plan = planEpisode(started(), [], T0);
    const result = completeEpisode(
      plan,
      running({ actions: [{ kind: "unsupported", actionType: ActionType.CallEntity }] }),
      [],
    );
    expect(result.record.status).toBe("Failed");
    expect(result.record.output).toContain("entities");
  });

  it("terminates, suspends and resumes only from the statuses that allow it", () => {
    const record = started();
    expect(applyControl(record, "resume", "", T0)).toBeUndefined();
    const suspended = applyControl(record, "suspend", "pause", T0);
    expect(suspended?.record.status).toBe("Suspended");
    const terminated = applyControl(suspended!.record, "terminate", "bye", T0);
    expect(terminated?.record).toMatchObject({ status: "Terminated", output: '"bye"' });
    expect(applyControl(terminated!.record, "terminate", "again", T0)).toBeUndefined();
  });
});

describe("reading what the orchestrator returned", () => {
  it("flattens compound actions depth-first and lists a re-yielded action once", () => {
    const shared = { actionType: ActionType.CallActivity, functionName: "a", input: 1 };
    const actions = [
      [
        shared,
        {
          actionType: ActionType.WhenAll,
          compoundActions: [
            shared,
            {
              actionType: ActionType.WhenAny,
              compoundActions: [
                { actionType: ActionType.CreateTimer, fireAt: T0, isCanceled: false },
                { actionType: ActionType.WaitForExternalEvent, externalEventName: "x" },
              ],
            },
          ],
        },
      ],
    ];
    expect(flattenActions(actions).map((a) => a.kind)).toEqual([
      "activity",
      "timer",
      "waitForEvent",
    ]);
    expect(flattenActions(actions)[0]).toEqual({ kind: "activity", functionName: "a", input: "1" });
  });

  it("recovers the state from a thrown OrchestrationFailureError", () => {
    const state = { isDone: false, actions: [[]], error: "boom", customStatus: { s: 1 } };
    const outcome = outcomeFromError(
      new Error(`false\n\n$OutOfProcData$:${JSON.stringify(state)}`),
    );
    expect(outcome).toMatchObject({ error: "boom", done: false, customStatus: '{"s":1}' });
  });

  it("backs off by the coefficient and caps at the maximum interval", () => {
    const policy = {
      firstRetryIntervalInMilliseconds: 100,
      maxNumberOfAttempts: 5,
      backoffCoefficient: 3,
      maxRetryIntervalInMilliseconds: 500,
    };
    expect([1, 2, 3].map((n) => retryDelayMs(policy, n))).toEqual([100, 300, 500]);
  });
});
