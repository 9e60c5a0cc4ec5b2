// What the engine holds in memory about one instance between and during its episodes.
import type { HistoryEvent } from "./history.js";
import type { PendingEvent } from "./instance.js";
import type { StoredInstance } from "./task-hub-store.js";

export class InstanceRuntime {
  /** The instance row as last read or committed; undefined until loaded. */
  stored: StoredInstance | undefined;
  /** The committed history of the stored execution; undefined until needed. */
  history: HistoryEvent[] | undefined;
  /** Events not yet in the history, in arrival order. */
  pending: PendingEvent[] = [];
  /** Inbox rows already in `pending` (or consumed by this process). */
  readonly inboxKeys = new Set<string>();
  /** Armed durable timers by `{executionId}|{seq}`. */
  readonly timers = new Map<string, NodeJS.Timeout>();
  reloadInbox = true;
  queued = false;
  running = false;
  rerun = false;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly instanceId: string) {}

  /** Serialises everything that reads and rewrites this instance's row. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  clearTimers(): void {
    for (const handle of this.timers.values()) clearTimeout(handle);
    this.timers.clear();
  }
}
