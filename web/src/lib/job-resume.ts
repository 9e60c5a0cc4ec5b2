// What the console has shown of a job, so a reload picks up at the byte it stopped at.

const KEY = "wc.console.follow";
/** Transcripts past this size are not kept; the console then re-reads the log from byte 0. */
const MAX_TRANSCRIPT_CHARS = 512 * 1024;

export interface FollowState {
  jobId: string;
  /** Next byte of the job's log to read: everything before it is in `transcript`. */
  offset: number;
  /** Exactly what was written to the terminal, or undefined once it grew past the cap. */
  transcript: string | undefined;
  /** The last status line written, or "settled" once the closing summary is in the transcript. */
  status?: string;
}

function isFollowState(value: unknown): value is FollowState {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.jobId === "string" &&
    typeof v.offset === "number" &&
    (v.transcript === undefined || typeof v.transcript === "string") &&
    (v.status === undefined || typeof v.status === "string")
  );
}

export function loadFollowState(): FollowState | undefined {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return isFollowState(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function saveFollowState(state: FollowState): void {
  const transcript =
    state.transcript !== undefined && state.transcript.length <= MAX_TRANSCRIPT_CHARS
      ? state.transcript
      : undefined;
  sessionStorage.setItem(KEY, JSON.stringify({ ...state, transcript }));
}

export function clearFollowState(): void {
  sessionStorage.removeItem(KEY);
}
