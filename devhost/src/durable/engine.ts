// Runs orchestrations: one episode at a time per instance, activities on a bounded queue, durable
// timers in memory, everything written through to the task hub before it counts. Work arrives by
// in-process signals; the tables are polled only for work other processes left there.
import { randomUUID } from "node:crypto";
import type { HostLogger, HostServices } from "../extension.js";
import {
  applyControl,
  completeEpisode,
  newExecution,
  planEpisode,
  type ControlOp,
  type EpisodePlan,
  type SubOrchestrationWork,
} from "./episode.js";
import { summarizeJson } from "./data-summary.js";
import { FunctionCatalog } from "./function-catalog.js";
import { isHistoryEvent, type HistoryEvent } from "./history.js";
import { isTerminal, type InstanceRecord, type ParentLink, type PendingEvent } from "./instance.js";
import { orchestrationInput } from "./orchestration-input.js";
import {
  outcomeFromError,
  outcomeFromResult,
  type OrchestratorOutcome,
} from "./orchestrator-outcome.js";
import {
  InstanceExistsError,
  StaleInstanceError,
  TaskHubStore,
  type InboxEvent,
  type StoredInstance,
} from "./task-hub-store.js";
import { ActivityRunner } from "./activity-runner.js";
import {
  InstanceFinishedError,
  InstanceNotFoundError,
  InstanceRunningError,
  UnknownOrchestratorError,
} from "./engine-errors.js";
import { errorText } from "./error-text.js";
import { InstanceRuntime } from "./instance-runtime.js";

export interface EngineOptions {
  maxConcurrentActivities: number;
  maxConcurrentOrchestrations: number;
  pollIntervalMs: number;
}

/** Longest failure message a log line repeats. */
const FAILURE_LOG_CHARS = 300;

/** The failure message stored as a failed instance's output, shortened for a log line. */
function failureText(output: string | undefined): string {
  const parsed: unknown = output === undefined ? "" : JSON.parse(output);
  const text = typeof parsed === "string" ? parsed : String(output);
  return text.length > FAILURE_LOG_CHARS ? `${text.slice(0, FAILURE_LOG_CHARS)}…` : text;
}

/** setTimeout's largest delay; longer timers re-arm. */
const MAX_TIMEOUT_MS = 2_147_483_647;

export class DurableEngine {
  private readonly instances = new Map<string, InstanceRuntime>();
  private readonly ready: string[] = [];
  private readonly activities: ActivityRunner;
  private readonly catalog: FunctionCatalog;
  private readonly log: HostLogger;
  private runningEpisodes = 0;
  private readonly episodeDone = new Set<() => void>();
  private poller: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly store: TaskHubStore,
    private readonly services: HostServices,
    private readonly options: EngineOptions,
  ) {
    this.catalog = new FunctionCatalog(() => services.functions());
    this.log = services.log;
    this.activities = new ActivityRunner(
      options.maxConcurrentActivities,
      services,
      this.catalog,
      (instanceId, outcome) => this.deliver(instanceId, outcome),
    );
  }

  /** Picks up every unfinished instance left in the task hub and starts polling. */
  async start(): Promise<void> {
    const unfinished = await this.store.listUnfinished();
    for (const stored of unfinished) {
      const rt = this.runtime(stored.record.instanceId);
      rt.stored = stored;
      this.resumeOpenWork(rt);
      this.signal(rt.instanceId);
    }
    if (unfinished.length > 0)
      this.log.info(`Resuming ${unfinished.length} unfinished orchestration instance(s).`);
    this.schedulePoll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.activities.stop();
    if (this.poller !== undefined) clearTimeout(this.poller);
    for (const rt of this.instances.values()) rt.clearTimers();
    while (this.runningEpisodes > 0)
      await new Promise<void>((resolve) => this.episodeDone.add(resolve));
  }

  // ---- client operations -------------------------------------------------------------------

  /** Starts an orchestration (a sub-orchestration when `parent` is given) and runs its first episode. */
  async startNew(
    name: string,
    instanceId: string | undefined,
    input: string | undefined,
    parent?: ParentLink,
  ): Promise<string> {
    const fn = this.catalog.orchestrator(name);
    if (fn === undefined)
      throw new UnknownOrchestratorError(
        `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      );
    const id = instanceId ?? randomUUID().replaceAll("-", "");
    const rt = this.runtime(id);
    // The first episode runs before the caller hears 202 and commits together with the new
    // instance row: one write instead of two, and the instance is durable once started.
    await rt.exclusive(async () => {
      // Optimistic: a new id is created without reading first; the create fails if it exists.
      let existing = rt.stored;
      for (;;) {
        if (existing !== undefined && !isTerminal(existing.record.status)) {
          throw new InstanceRunningError(
            `An instance with ID '${id}' already exists and is ${existing.record.status}.`,
          );
        }
        try {
          await this.firstEpisode(rt, fn.name, input, parent, existing);
          break;
        } catch (error) {
          if (!(error instanceof InstanceExistsError) || existing !== undefined) throw error;
          existing = await this.store.readInstance(id);
          if (existing === undefined) throw error;
        }
      }
      if (existing !== undefined) {
        this.background(
          this.store.deleteOldHistory(id, (rt.stored as StoredInstance).record.executionId),
        );
      }
    });
    this.log.info(`Orchestration '${fn.name}' started.`, {
      instanceId: id,
      input: summarizeJson(input),
    });
    if (rt.rerun || rt.pending.length > 0) {
      rt.rerun = false;
      this.signal(id);
    }
    return id;
  }

  /** Creates (or replaces a finished) instance and commits its first episode with it. */
  private async firstEpisode(
    rt: InstanceRuntime,
    name: string,
    input: string | undefined,
    parent: ParentLink | undefined,
    replacing: StoredInstance | undefined,
  ): Promise<void> {
    const now = new Date();
    const record = newExecution(
      { instanceId: rt.instanceId, name, createdTime: now.toISOString() },
      input,
      randomUUID(),
      now,
    );
    if (parent !== undefined) record.parent = parent;
    rt.stored = { record, etag: replacing?.etag };
    rt.history = [];
    rt.reloadInbox = false;
    rt.pending = rt.pending.filter((e) => e.kind === "eventRaised" || e.kind === "control");
    rt.clearTimers();
    try {
      await this.advance(rt);
    } catch (error) {
      rt.stored = undefined;
      rt.history = undefined;
      rt.reloadInbox = true;
      throw error;
    }
  }

  /**
   * The instance's committed state (and history when asked), or undefined when unknown. Read from
   * the task hub, which another process sharing it may have advanced.
   */
  async read(
    instanceId: string,
    withHistory: boolean,
  ): Promise<{ record: InstanceRecord; history: HistoryEvent[] | undefined } | undefined> {
    const stored = await this.store.readInstance(instanceId);
    if (stored === undefined) return undefined;
    if (!withHistory) return { record: stored.record, history: undefined };
    const history = await this.loadHistory(stored);
    return { record: stored.record, history };
  }

  async raiseEvent(instanceId: string, name: string, input: string | undefined): Promise<void> {
    await this.enqueueInbox(instanceId, { kind: "eventRaised", name, input });
    this.log.info(`Event '${name}' raised.`, { instanceId, input: summarizeJson(input) });
  }

  async control(instanceId: string, op: ControlOp, reason: string): Promise<void> {
    await this.enqueueInbox(instanceId, { kind: "control", op, reason });
    this.log.info(`Instance ${op} requested.`, { instanceId, reason: summarizeJson(reason) });
  }

  async purge(instanceId: string): Promise<void> {
    const rt = this.runtime(instanceId);
    await rt.exclusive(async () => {
      const stored = rt.stored ?? (await this.store.readInstance(instanceId));
      if (stored === undefined) throw new InstanceNotFoundError(instanceId);
      if (!isTerminal(stored.record.status)) {
        throw new InstanceRunningError(
          `Only orchestrations in a terminal state can be purged, but the orchestration with instance ID ${instanceId} has status ${stored.record.status}`,
        );
      }
      await this.store.deleteInstance(instanceId);
      rt.clearTimers();
      this.instances.delete(instanceId);
    });
    this.log.info("Instance purged.", { instanceId });
  }

  private async enqueueInbox(
    instanceId: string,
    event: Extract<PendingEvent, { kind: "eventRaised" | "control" }>,
  ): Promise<void> {
    const rt = this.instances.get(instanceId);
    const stored = rt?.stored ?? (await this.store.readInstance(instanceId));
    if (stored === undefined) throw new InstanceNotFoundError(instanceId);
    if (isTerminal(stored.record.status))
      throw new InstanceFinishedError(`Instance ${instanceId} is ${stored.record.status}.`);
    // Persisted before the caller hears 202, so a crash cannot lose it.
    const inboxKey = await this.store.addInbox(instanceId, event);
    const target = this.runtime(instanceId);
    target.inboxKeys.add(inboxKey);
    target.pending.push({ ...event, inboxKey });
    this.signal(instanceId);
  }

  // ---- scheduling ----------------------------------------------------------------------------

  private runtime(instanceId: string): InstanceRuntime {
    let rt = this.instances.get(instanceId);
    if (rt === undefined) {
      rt = new InstanceRuntime(instanceId);
      this.instances.set(instanceId, rt);
    }
    return rt;
  }

  private signal(instanceId: string): void {
    if (this.stopped) return;
    const rt = this.runtime(instanceId);
    if (rt.running) {
      rt.rerun = true;
      return;
    }
    if (rt.queued) return;
    rt.queued = true;
    this.ready.push(instanceId);
    this.pumpEpisodes();
  }

  private pumpEpisodes(): void {
    while (
      !this.stopped &&
      this.runningEpisodes < this.options.maxConcurrentOrchestrations &&
      this.ready.length > 0
    ) {
      const id = this.ready.shift() as string;
      const rt = this.instances.get(id);
      if (rt === undefined) continue;
      rt.queued = false;
      rt.running = true;
      this.runningEpisodes++;
      void rt
        .exclusive(() => this.runEpisode(rt))
        .catch((error: unknown) => {
          this.log.error(`Orchestration episode failed: ${errorText(error).message}`, {
            instanceId: id,
          });
          rt.stored = undefined;
          rt.history = undefined;
          rt.reloadInbox = true;
          rt.rerun = true;
          // A lost race with another writer retries at once; anything else (storage down) backs off.
          if (!(error instanceof StaleInstanceError))
            return new Promise((r) => setTimeout(r, 1_000));
          return undefined;
        })
        .then(() => this.afterEpisode(rt));
    }
  }

  private afterEpisode(rt: InstanceRuntime): void {
    rt.running = false;
    this.runningEpisodes--;
    for (const done of this.episodeDone) done();
    this.episodeDone.clear();
    if (rt.rerun) {
      rt.rerun = false;
      this.signal(rt.instanceId);
    } else if (
      rt.pending.length === 0 &&
      !rt.queued &&
      (rt.stored === undefined || isTerminal(rt.stored.record.status))
    ) {
      // Finished (or unknown) instances are read from the table from now on.
      rt.clearTimers();
      this.instances.delete(rt.instanceId);
    }
    this.pumpEpisodes();
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    this.poller = setTimeout(() => {
      this.store
        .scanForWork()
        .then((ids) => {
          for (const id of ids) {
            const rt = this.instances.get(id);
            if (rt === undefined || rt.stored === undefined) this.signal(id);
            else {
              rt.reloadInbox = true;
              if (rt.pending.length === 0) this.signal(id);
            }
          }
        })
        .catch((error: unknown) =>
          this.log.warn(`Task hub poll failed: ${errorText(error).message}`),
        )
        .finally(() => this.schedulePoll());
    }, this.options.pollIntervalMs);
    this.poller.unref();
  }

  private background(work: Promise<unknown>): void {
    work.catch((error: unknown) =>
      this.log.warn(`Task hub cleanup failed: ${errorText(error).message}`),
    );
  }

  // ---- episodes ------------------------------------------------------------------------------

  private async load(rt: InstanceRuntime): Promise<boolean> {
    if (rt.stored === undefined) {
      const stored = await this.store.readInstance(rt.instanceId);
      if (stored === undefined) return false;
      rt.stored = stored;
      rt.history = undefined;
      this.resumeOpenWork(rt);
    }
    if (rt.reloadInbox) {
      rt.reloadInbox = false;
      const knownBefore = new Set(rt.inboxKeys);
      const inbox: InboxEvent[] = await this.store.readInbox(rt.instanceId);
      const present = new Set(inbox.map((item) => item.inboxKey));
      // Rows another writer consumed meanwhile must not be delivered twice.
      const consumedElsewhere = (key: string | undefined): boolean =>
        key !== undefined && knownBefore.has(key) && !present.has(key);
      rt.pending = rt.pending.filter((e) => !("inboxKey" in e) || !consumedElsewhere(e.inboxKey));
      for (const key of knownBefore) if (consumedElsewhere(key)) rt.inboxKeys.delete(key);
      for (const item of inbox) {
        if (rt.inboxKeys.has(item.inboxKey)) continue;
        rt.inboxKeys.add(item.inboxKey);
        rt.pending.push(item);
      }
    }
    return true;
  }

  /** Re-arms timers and re-runs activities the record says are open (at-least-once). */
  private resumeOpenWork(rt: InstanceRuntime): void {
    const record = rt.stored?.record;
    if (record === undefined || isTerminal(record.status)) return;
    for (const [key, task] of Object.entries(record.openTasks)) {
      const seq = Number(key);
      if (task.kind === "activity") {
        this.activities.dispatch(rt.instanceId, record.executionId, {
          seq,
          name: task.name,
          input: task.input,
        });
      } else if (task.kind === "subOrchestration") {
        const work = { seq, name: task.name, instanceId: task.instanceId, input: task.input };
        this.background(this.ensureChild(record, work));
      } else {
        this.arm(rt, record.executionId, seq, task.fireAt);
      }
    }
  }

  private arm(rt: InstanceRuntime, executionId: string, seq: number, fireAt: string): void {
    const key = `${executionId}|${seq}`;
    if (rt.timers.has(key) || this.stopped) return;
    const delay = Date.parse(fireAt) - Date.now();
    const handle = setTimeout(
      () => {
        rt.timers.delete(key);
        if (Date.parse(fireAt) > Date.now()) {
          this.arm(rt, executionId, seq, fireAt);
          return;
        }
        rt.pending.push({ kind: "timerFired", executionId, seq });
        this.signal(rt.instanceId);
      },
      Math.min(Math.max(0, delay), MAX_TIMEOUT_MS),
    );
    handle.unref();
    rt.timers.set(key, handle);
  }

  private async runEpisode(rt: InstanceRuntime): Promise<void> {
    if (this.stopped) return;
    if (!(await this.load(rt))) {
      // Results for an instance that no longer exists (purged meanwhile).
      rt.pending = [];
      return;
    }
    await this.applyControls(rt);
    const stored = rt.stored as StoredInstance;
    const record = stored.record;
    if (isTerminal(record.status)) {
      await this.discardInbox(rt);
      return;
    }
    if (record.status === "Suspended") return;
    await this.advance(rt);
  }

  /** Delivers what is pending to the orchestrator and commits the episode. */
  private async advance(rt: InstanceRuntime): Promise<void> {
    const stored = rt.stored as StoredInstance;
    const record = stored.record;
    const now = this.episodeTime(record, rt.pending);
    const plan = planEpisode(record, rt.pending, now);
    if (!plan.needsReplay) {
      this.forget(rt, plan.stale);
      return;
    }
    rt.history ??= await this.loadHistory(stored);
    const committed = rt.history;
    const outcome = await this.replay(record, committed, plan);
    const result = completeEpisode(plan, outcome, committed);

    let next = result.record;
    const carried = result.carriedEvents.map((e) => ({
      kind: "eventRaised" as const,
      name: e.name,
      input: e.input,
    }));
    if (result.continueAsNew !== undefined) {
      next = newExecution(record, result.continueAsNew.input, randomUUID(), now);
      next.status = "Running";
      next.customStatus = result.record.customStatus;
      if (record.parent !== undefined) next.parent = record.parent;
    }
    const consumedInbox = plan.consumed.flatMap((e) =>
      "inboxKey" in e && e.inboxKey !== undefined ? [e.inboxKey] : [],
    );
    const history = result.continueAsNew !== undefined ? [] : [...committed, ...result.appended];
    const written = await this.store.commit({
      record: next,
      etag: stored.etag,
      history: {
        executionId: record.executionId,
        startIndex: record.historyLength,
        events: result.appended,
        all: history,
      },
      deleteInbox: consumedInbox,
      addInbox: carried,
    });
    next = written.record;
    rt.stored = { record: next, etag: written.etag };
    rt.history = history;
    this.forget(rt, [...plan.consumed, ...plan.stale]);
    for (const key of consumedInbox) rt.inboxKeys.delete(key);
    rt.pending.push(...plan.immediateFailures);

    this.logEpisode(record, next, result.activities.length, result.timers.length);
    if (isTerminal(next.status)) {
      this.notifyParent(next);
      rt.clearTimers();
      rt.pending = rt.pending.filter((e) => e.kind === "eventRaised" || e.kind === "control");
      return;
    }
    if (result.continueAsNew !== undefined) {
      rt.clearTimers();
      rt.reloadInbox = true;
      this.background(this.store.deleteOldHistory(rt.instanceId, next.executionId));
      rt.rerun = true;
      return;
    }
    for (const work of result.activities)
      this.activities.dispatch(rt.instanceId, next.executionId, work);
    for (const work of [...result.subOrchestrations]) await this.ensureChild(next, work);
    for (const timer of result.timers) this.arm(rt, next.executionId, timer.seq, timer.fireAt);
    if (rt.pending.length > 0) rt.rerun = true;
  }

  /** The committed history of the stored execution, from the instance row or the history rows. */
  private async loadHistory(stored: StoredInstance): Promise<HistoryEvent[]> {
    const { record } = stored;
    if (!record.historyInline) {
      return this.store.readHistory(record.instanceId, record.executionId, record.historyLength);
    }
    const parsed: unknown = JSON.parse(stored.inlineHistory ?? "[]");
    return (Array.isArray(parsed) ? parsed.filter(isHistoryEvent) : []).slice(
      0,
      record.historyLength,
    );
  }

  /** The episode's clock: now, but never before the previous episode or a timer it delivers. */
  private episodeTime(record: InstanceRecord, pending: readonly PendingEvent[]): Date {
    let at = Math.max(Date.now(), Date.parse(record.lastUpdatedTime) + 1);
    for (const event of pending) {
      if (event.kind !== "timerFired" || event.executionId !== record.executionId) continue;
      const task = record.openTasks[event.seq];
      if (task !== undefined && (task.kind === "timer" || task.kind === "retryTimer")) {
        at = Math.max(at, Date.parse(task.fireAt));
      }
    }
    return new Date(at);
  }

  private async replay(
    record: InstanceRecord,
    committed: readonly HistoryEvent[],
    plan: EpisodePlan,
  ): Promise<OrchestratorOutcome> {
    const fn = this.catalog.orchestrator(record.name);
    if (fn === undefined) {
      return outcomeFromError(
        new Error(`The orchestrator function '${record.name}' is not registered in this app.`),
      );
    }
    const input = orchestrationInput(record, committed, plan.delivered);
    try {
      return outcomeFromResult(await this.services.invoke(fn, input));
    } catch (error) {
      return outcomeFromError(error);
    }
  }

  private async applyControls(rt: InstanceRuntime): Promise<void> {
    const controls = rt.pending.filter(
      (e): e is Extract<PendingEvent, { kind: "control" }> => e.kind === "control",
    );
    for (const control of controls) {
      const stored = rt.stored as StoredInstance;
      const applied = applyControl(stored.record, control.op, control.reason, new Date());
      const committed = (rt.history ??= await this.loadHistory(stored));
      const history = [...committed, ...(applied?.appended ?? [])];
      const written = await this.store.commit({
        record: applied?.record ?? stored.record,
        etag: stored.etag,
        history: {
          executionId: stored.record.executionId,
          startIndex: stored.record.historyLength,
          events: applied?.appended ?? [],
          all: history,
        },
        deleteInbox: control.inboxKey === undefined ? [] : [control.inboxKey],
        addInbox: [],
      });
      const record = written.record;
      rt.stored = { record, etag: written.etag };
      rt.history = history;
      this.forget(rt, [control]);
      if (applied !== undefined)
        this.log.info(`Instance ${record.status}.`, {
          instanceId: rt.instanceId,
          reason: summarizeJson(control.reason),
        });
      if (record.status === "Terminated" && applied !== undefined) {
        rt.clearTimers();
        this.notifyParent(record);
      }
    }
  }

  private async discardInbox(rt: InstanceRuntime): Promise<void> {
    const keys = rt.pending.flatMap((e) =>
      "inboxKey" in e && e.inboxKey !== undefined ? [e.inboxKey] : [],
    );
    rt.pending = [];
    if (keys.length === 0 || rt.stored === undefined) return;
    const stored = rt.stored;
    const history = (rt.history ??= await this.loadHistory(stored));
    const written = await this.store.commit({
      record: stored.record,
      etag: stored.etag,
      history: {
        executionId: stored.record.executionId,
        startIndex: stored.record.historyLength,
        events: [],
        all: history,
      },
      deleteInbox: keys,
      addInbox: [],
    });
    rt.stored = { record: written.record, etag: written.etag };
    for (const key of keys) rt.inboxKeys.delete(key);
  }

  private forget(rt: InstanceRuntime, events: readonly PendingEvent[]): void {
    if (events.length === 0) return;
    const gone = new Set(events);
    rt.pending = rt.pending.filter((e) => !gone.has(e));
  }

  private logEpisode(
    before: InstanceRecord,
    after: InstanceRecord,
    activities: number,
    timers: number,
  ): void {
    const fields = { instanceId: before.instanceId, function: before.name };
    if (after.executionId !== before.executionId)
      this.log.info("Orchestration continued as new.", fields);
    else if (after.status === "Completed")
      this.log.info(`Orchestration completed: ${summarizeJson(after.output)}`, fields);
    else if (after.status === "Failed")
      this.log.warn(`Orchestration failed: ${failureText(after.output)}`, fields);
    else if (activities + timers > 0)
      this.log.info(
        `Orchestration scheduled ${activities} activity(ies), ${timers} timer(s).`,
        fields,
      );
  }

  // ---- sub-orchestrations --------------------------------------------------------------------

  /**
   * Makes sure the child a parent's open task waits on exists: starts it, or, when it already
   * finished (the parent had not recorded that before a restart), reports its outcome again.
   */
  private async ensureChild(parent: InstanceRecord, work: SubOrchestrationWork): Promise<void> {
    const link: ParentLink = {
      instanceId: parent.instanceId,
      executionId: parent.executionId,
      seq: work.seq,
    };
    const fail = (reason: string): void =>
      this.deliver(parent.instanceId, {
        kind: "taskFailed",
        executionId: link.executionId,
        seq: link.seq,
        reason,
        details: "",
      });
    if (work.instanceId === parent.instanceId) {
      fail(`A sub-orchestration cannot use its parent's instance ID '${work.instanceId}'.`);
      return;
    }
    try {
      const existing = await this.store.readInstance(work.instanceId);
      const mine =
        existing?.record.parent?.instanceId === link.instanceId &&
        existing.record.parent.executionId === link.executionId &&
        existing.record.parent.seq === link.seq;
      if (existing !== undefined && mine) {
        if (isTerminal(existing.record.status)) this.notifyParent(existing.record);
        return;
      }
      await this.startNew(work.name, work.instanceId, work.input, link);
    } catch (error) {
      fail(`Sub-orchestration '${work.name}' could not start: ${errorText(error).message}`);
    }
  }

  /** Tells a finished sub-orchestration's parent about its outcome. */
  private notifyParent(child: InstanceRecord): void {
    const parent = child.parent;
    if (parent === undefined) return;
    const base = { executionId: parent.executionId, seq: parent.seq };
    if (child.status === "Completed") {
      this.deliver(parent.instanceId, {
        kind: "taskCompleted",
        ...base,
        result: child.output ?? "null",
      });
      return;
    }
    const output: unknown = child.output === undefined ? undefined : JSON.parse(child.output);
    const reason =
      child.status === "Terminated"
        ? `Sub-orchestration '${child.name}' (${child.instanceId}) was terminated: ${String(output ?? "")}`
        : typeof output === "string"
          ? output
          : `Orchestrator function '${child.name}' failed.`;
    this.deliver(parent.instanceId, { kind: "taskFailed", ...base, reason, details: "" });
  }

  private deliver(instanceId: string, event: PendingEvent): void {
    if (this.stopped) return;
    this.runtime(instanceId).pending.push(event);
    this.signal(instanceId);
  }
}
