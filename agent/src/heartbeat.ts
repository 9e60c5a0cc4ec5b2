// The heartbeat loop: reports utilisation and running jobs every N seconds, hands control
// messages and refreshed queue access to the worker, and backs off while the API is unreachable.
import type {
  ControlMessage,
  HeartbeatRequest,
  HeartbeatResponse,
  QueueAccess,
} from "@wastecompute/contracts";
import { Backoff, sleep, type BackoffOptions } from "./backoff.js";

export const HEARTBEAT_FAILURE_BACKOFF: BackoffOptions = {
  initialMs: 1_000,
  maxMs: 60_000,
  factor: 2,
  jitter: 0.3,
};

/** What the heartbeat loop needs from the rest of the agent. */
export interface HeartbeatDeps {
  send(request: HeartbeatRequest, signal: AbortSignal): Promise<HeartbeatResponse>;
  snapshot(): HeartbeatRequest;
  onControl(message: ControlMessage): void;
  /** Every answer, after its control messages were handed out (standing orders such as drain). */
  onAnswer?(response: HeartbeatResponse): void;
  onQueueAccess(access: QueueAccess): void;
  /** Reachability changes, with the delay before the next try when unreachable. */
  onReachability(reachable: boolean, detail: { reason?: string; retryInMs?: number }): void;
}

/** Sends heartbeats until `signal` aborts; `beatNow()` sends the next one at once (state changes). */
export class HeartbeatLoop {
  private intervalMs: number;
  private nudge = new AbortController();
  private readonly failures = new Backoff(HEARTBEAT_FAILURE_BACKOFF);
  private retryInMs = 0;

  constructor(
    private readonly deps: HeartbeatDeps,
    intervalSec: number,
  ) {
    this.intervalMs = intervalSec * 1000;
  }

  beatNow(): void {
    this.nudge.abort();
  }

  /** Sends one heartbeat and applies its answer; returns false when the API could not be reached. */
  async beat(signal: AbortSignal): Promise<boolean> {
    try {
      const response = await this.deps.send(this.deps.snapshot(), signal);
      this.intervalMs = response.heartbeatIntervalSec * 1000;
      if (response.queue) this.deps.onQueueAccess(response.queue);
      for (const control of response.control) this.deps.onControl(control);
      this.deps.onAnswer?.(response);
      if (this.failures.failures > 0) this.deps.onReachability(true, {});
      this.failures.reset();
      return true;
    } catch (error) {
      if (signal.aborted) return false;
      this.retryInMs = Math.min(this.failures.next(), this.intervalMs);
      this.deps.onReachability(false, {
        reason: error instanceof Error ? error.message : String(error),
        retryInMs: this.retryInMs,
      });
      return false;
    }
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const ok = await this.beat(signal);
      const delay = ok ? this.intervalMs : this.retryInMs;
      this.nudge = new AbortController();
      await sleep(delay, AbortSignal.any([signal, this.nudge.signal]));
    }
  }
}
