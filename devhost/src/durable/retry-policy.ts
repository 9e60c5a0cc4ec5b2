// Backoff for callActivityWithRetry, as DurableTask.Core's RetryInterceptor computes it.
import type { RetryPolicy } from "./actions.js";

/** Delay before the next attempt after `failures` failed attempts (failures >= 1). */
export function retryDelayMs(policy: RetryPolicy, failures: number): number {
  const coefficient = policy.backoffCoefficient ?? 1;
  const delay = policy.firstRetryIntervalInMilliseconds * coefficient ** Math.max(0, failures - 1);
  const cap = policy.maxRetryIntervalInMilliseconds;
  return cap !== undefined && cap > 0 ? Math.min(delay, cap) : delay;
}

/** Whether the policy's retry timeout, counted from the first attempt, has run out. */
export function retryWindowClosed(policy: RetryPolicy, firstAttemptAt: string, now: Date): boolean {
  const timeout = policy.retryTimeoutInMilliseconds;
  if (timeout === undefined || timeout <= 0) return false;
  return now.getTime() >= Date.parse(firstAttemptAt) + timeout;
}
