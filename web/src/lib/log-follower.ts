// Follows a job's log by polling the slice endpoint from a byte offset: each byte is handed on
// exactly once, in order, however often the network fails in between.
import { TERMINAL_JOB_STATUSES, type JobLogSlice, type JobStatus } from "@wastecompute/contracts";
import { ApiError } from "../api/api-error.js";

export const POLL_INTERVAL_MS = 400;
const MAX_BACKOFF_MS = 5_000;

export interface LogFollowerHooks {
  fetchSlice(offset: number, signal: AbortSignal): Promise<JobLogSlice>;
  /** New output; `nextOffset` is where the following read starts. */
  onData(data: string, nextOffset: number): void;
  onStatus(status: JobStatus): void;
  /** A failed poll that will be retried (the follower keeps going). */
  onRetry(error: unknown): void;
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
}

export type FollowEnd =
  | { kind: "complete"; status: JobStatus; offset: number }
  | { kind: "aborted"; offset: number }
  | { kind: "failed"; error: unknown; offset: number };

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

/** Errors that retrying cannot fix: the key was refused or the job is not ours. */
function isFatal(error: unknown): boolean {
  return error instanceof ApiError && [401, 403, 404].includes(error.status);
}

export async function followLog(
  hooks: LogFollowerHooks,
  startOffset: number,
  signal: AbortSignal,
  intervalMs = POLL_INTERVAL_MS,
): Promise<FollowEnd> {
  const sleep = hooks.sleep ?? abortableSleep;
  let offset = startOffset;
  let lastStatus: JobStatus | undefined;
  let failures = 0;
  while (!signal.aborted) {
    let slice: JobLogSlice;
    try {
      slice = await hooks.fetchSlice(offset, signal);
    } catch (error) {
      if (signal.aborted) break;
      if (isFatal(error)) return { kind: "failed", error, offset };
      failures += 1;
      hooks.onRetry(error);
      await sleep(Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** failures), signal);
      continue;
    }
    failures = 0;
    if (signal.aborted) break;
    // A slice that starts elsewhere than asked would duplicate or skip bytes: ask again later.
    if (slice.offset !== offset) {
      await sleep(intervalMs, signal);
      continue;
    }
    const advanced = slice.nextOffset > offset;
    const terminal = TERMINAL_JOB_STATUSES.includes(slice.status);
    const statusChanged = slice.status !== lastStatus;
    lastStatus = slice.status;
    // A job starts before it prints and prints before it ends: report in that order.
    if (statusChanged && !terminal) hooks.onStatus(slice.status);
    if (advanced) {
      offset = slice.nextOffset;
      hooks.onData(slice.data, offset);
    }
    if (statusChanged && terminal) hooks.onStatus(slice.status);
    if (slice.complete && terminal) {
      return { kind: "complete", status: slice.status, offset };
    }
    // While output flows, read on at once so the terminal stays within one poll of the job.
    if (!advanced) await sleep(intervalMs, signal);
  }
  return { kind: "aborted", offset };
}
