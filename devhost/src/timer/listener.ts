// Fires one timer-triggered function on its schedule; like the host, runs never overlap.
import type { RegisteredFunction } from "../extension.js";
import type { LogSink } from "../logging.js";
import type { TimerSchedule } from "./schedule.js";

/** A run this much later than its scheduled time counts as past due. */
const PAST_DUE_TOLERANCE_MS = 1000;
/** setTimeout cannot wait longer than 2^31-1 ms; longer waits are re-armed in steps. */
const MAX_TIMEOUT_MS = 2_147_483_647;
/** The host reports DateTime.MinValue as `last` before the first run. */
const NEVER = new Date("0001-01-01T00:00:00Z");

export interface ScheduleStatus {
  last: string;
  next: string;
  lastUpdated: string;
}

/** The trigger value a timer function receives (camel-cased as the library presents it). */
export interface TimerInfo {
  schedule: { adjustForDST: boolean };
  scheduleStatus: ScheduleStatus;
  isPastDue: boolean;
}

export interface TimerListenerDeps {
  fn: RegisteredFunction;
  schedule: TimerSchedule;
  runOnStartup: boolean;
  invoke: (timer: TimerInfo, reason: string) => Promise<unknown>;
  sink: LogSink;
  now?: () => Date;
}

export class TimerListener {
  readonly #deps: TimerListenerDeps;
  readonly #now: () => Date;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #current: Promise<void> | undefined;
  #status: { last: Date; next: Date | undefined; lastUpdated: Date };

  constructor(deps: TimerListenerDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? (() => new Date());
    const now = this.#now();
    this.#status = { last: NEVER, next: deps.schedule.next(now), lastUpdated: now };
  }

  start(): void {
    this.#running = true;
    const next = this.#status.next;
    this.#deps.sink.write({
      time: this.#now(),
      level: "information",
      message: `Timer schedule "${this.#deps.schedule.expression}"; next occurrence ${next?.toISOString() ?? "never"}.`,
      functionName: this.#deps.fn.name,
    });
    if (this.#deps.runOnStartup) this.#fire(this.#now(), "Timer fired at startup (runOnStartup)");
    else this.#arm();
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#current;
  }

  #arm(): void {
    if (!this.#running) return;
    const now = this.#now();
    const next =
      this.#status.next !== undefined && this.#status.next > now
        ? this.#status.next
        : this.#deps.schedule.next(now);
    this.#status.next = next;
    if (next === undefined) return;
    const wait = next.getTime() - now.getTime();
    this.#timer = setTimeout(
      () => {
        if (wait > MAX_TIMEOUT_MS) this.#arm();
        else this.#fire(next, "Timer fired");
      },
      Math.min(wait, MAX_TIMEOUT_MS),
    );
  }

  #fire(scheduledAt: Date, reason: string): void {
    const firedAt = this.#now();
    const info: TimerInfo = {
      schedule: { adjustForDST: true },
      scheduleStatus: {
        last: this.#status.last.toISOString(),
        next: (this.#status.next ?? scheduledAt).toISOString(),
        lastUpdated: this.#status.lastUpdated.toISOString(),
      },
      isPastDue: firedAt.getTime() - scheduledAt.getTime() > PAST_DUE_TOLERANCE_MS,
    };
    this.#status = { last: firedAt, next: this.#deps.schedule.next(firedAt), lastUpdated: firedAt };
    this.#current = this.#deps
      .invoke(info, `${reason} at ${firedAt.toISOString()}`)
      // The invoker logged any failure; the schedule carries on either way.
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        this.#current = undefined;
        this.#arm();
      });
  }
}
