// The machine owner's policy for harvesting idle time: take work only while the owner's own load
// is low and within allowed local hours; evict running jobs when the owner's load returns.
import type { OwnerPolicy } from "@wastecompute/contracts";

/** Owner load must stay high this many samples in a row before jobs are evicted (no thrash on spikes). */
export const EVICT_AFTER_HIGH_SAMPLES = 3;
export const POLICY_SAMPLE_INTERVAL_MS = 2_000;

/** The hour (0–23) at `now` in `timeZone`. */
export function localHour(now: Date, timeZone: string): number {
  const hour = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hour: "numeric",
    hourCycle: "h23",
  }).format(now);
  return Number(hour) % 24;
}

/** Whether `hour` falls in [start, end); start > end wraps midnight, start == end means never, 0–24 always. */
export function withinAllowedHours(hour: number, allowed: OwnerPolicy["allowedHours"]): boolean {
  const { start, end } = allowed;
  if (start === end) return false;
  if (start < end) return hour >= start && hour < end;
  return hour >= start || hour < end;
}

/**
 * The owner's share of the machine over an interval, excluding our jobs: (busy − jobs) / capacity,
 * all in CPU seconds, clamped to 0..1.
 */
export function ownerLoad(
  machineBusyCpuSeconds: number,
  jobCpuSeconds: number,
  capacityCpuSeconds: number,
): number {
  if (capacityCpuSeconds <= 0) return 0;
  return Math.min(1, Math.max(0, (machineBusyCpuSeconds - jobCpuSeconds) / capacityCpuSeconds));
}

/** What the policy allows right now. */
export interface PolicyDecision {
  acceptWork: boolean;
  evict: boolean;
  reason: string;
}

/** Folds owner-load samples into accept/evict decisions. */
export class OwnerPolicyMonitor {
  private highStreak = 0;
  constructor(
    private readonly policy: OwnerPolicy,
    private readonly timeZone: string,
  ) {}

  /** One sample: `load` is the owner's load 0..1 (see `ownerLoad`). A threshold of 1 never pauses. */
  decide(load: number, now: Date): PolicyDecision {
    const overloaded = this.policy.maxOwnerLoad < 1 && load >= this.policy.maxOwnerLoad;
    this.highStreak = overloaded ? this.highStreak + 1 : 0;
    const hour = localHour(now, this.timeZone);
    if (!withinAllowedHours(hour, this.policy.allowedHours)) {
      return {
        acceptWork: false,
        evict: false,
        reason: `outside allowed hours ${this.policy.allowedHours.start}–${this.policy.allowedHours.end} (${this.timeZone})`,
      };
    }
    if (overloaded) {
      const evict = this.policy.evictOnOwnerLoad && this.highStreak >= EVICT_AFTER_HIGH_SAMPLES;
      return {
        acceptWork: false,
        evict,
        reason: `owner load ${Math.round(load * 100)}% ≥ ${Math.round(this.policy.maxOwnerLoad * 100)}%`,
      };
    }
    return { acceptWork: true, evict: false, reason: "idle" };
  }
}
