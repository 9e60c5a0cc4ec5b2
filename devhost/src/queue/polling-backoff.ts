// The queue listener's polling interval: fast while messages flow, doubling while the queue is empty.

/** The host's minimum polling interval for storage queues. */
export const MIN_POLLING_INTERVAL_MS = 100;

export function nextPollingInterval(currentMs: number, maxMs: number): number {
  return Math.min(Math.max(currentMs * 2, MIN_POLLING_INTERVAL_MS), maxMs);
}
