// Streams one job into a terminal and remembers how far it got, so a reload resumes at that byte.
import type { Job, JobStatus } from "@wastecompute/contracts";
import type { ApiClient } from "../../api/client.js";
import { describeError } from "../../api/api-error.js";
import { saveFollowState, type FollowState } from "../../lib/job-resume.js";
import { followLog } from "../../lib/log-follower.js";
import { duration, grams, statusLabel, usd } from "../../lib/format.js";
import { JobTerminal } from "./job-terminal.js";
import { isTerminal } from "./job-facts.js";

const SETTLE_POLL_MS = 1_000;
const SETTLE_POLL_TRIES = 15;

export interface FollowCallbacks {
  onJob(job: Job): void;
  onDone(job: Job): void;
}

const STATUS_TONE: Partial<Record<JobStatus, "info" | "ok" | "warn" | "error">> = {
  placed: "info",
  running: "info",
  succeeded: "ok",
  cancelled: "warn",
  timed_out: "warn",
  expired: "warn",
  failed: "error",
  lost: "error",
};

function summaryLine(job: Job): string {
  const parts = [
    job.exitCode === undefined ? undefined : `exit ${job.exitCode}`,
    job.usage ? duration(job.usage.wallSeconds) : undefined,
    job.cost ? usd(job.cost.netMicros) : undefined,
    job.carbon ? `${grams(job.carbon.emittedGrams)} CO₂e` : undefined,
  ].filter(Boolean);
  return parts.length ? `── ${parts.join(" · ")}` : "";
}

/** Persisted progress of one job in the console. */
export class JobFollow {
  private state: FollowState;

  constructor(
    private readonly api: ApiClient,
    private readonly terminal: JobTerminal,
    private readonly callbacks: FollowCallbacks,
    initial: FollowState,
    private readonly persist = true,
  ) {
    this.state = { ...initial };
  }

  get jobId(): string {
    return this.state.jobId;
  }

  /** Writes to the terminal and to the saved transcript in one step, so the two never disagree. */
  private emit(text: string, nextOffset = this.state.offset): void {
    this.terminal.write(text);
    this.state.offset = nextOffset;
    this.state.transcript =
      this.state.transcript === undefined ? undefined : this.state.transcript + text;
    if (this.persist) saveFollowState(this.state);
  }

  private announce(status: JobStatus): void {
    if (this.state.status === status) return;
    this.state.status = status;
    this.emit(JobTerminal.line(`● ${statusLabel(status)}`, STATUS_TONE[status] ?? "dim"));
  }

  async run(signal: AbortSignal): Promise<void> {
    const end = await followLog(
      {
        fetchSlice: (offset, s) => this.api.jobLogs(this.state.jobId, offset, s),
        onData: (data, nextOffset) => this.emit(data, nextOffset),
        onStatus: (status) => {
          this.announce(status);
          this.api.getJob(this.state.jobId).then(this.callbacks.onJob, () => undefined);
        },
        onRetry: () => undefined,
      },
      this.state.offset,
      signal,
    );
    if (end.kind === "failed") {
      this.terminal.write(
        JobTerminal.line(`Cannot read this job's output: ${describeError(end.error)}`, "error"),
      );
      return;
    }
    if (end.kind !== "complete") return;
    const job = await this.awaitSettlement(signal);
    if (!job || signal.aborted) return;
    this.announce(job.status);
    if (this.state.status !== "settled") {
      const line = summaryLine(job);
      if (line) this.emit(JobTerminal.line(line, "dim"));
      this.state.status = "settled";
      if (this.persist) saveFollowState(this.state);
    }
    this.callbacks.onDone(job);
  }

  /** Cost and carbon land a moment after the last byte; wait briefly for them. */
  private async awaitSettlement(signal: AbortSignal): Promise<Job | undefined> {
    let job: Job | undefined;
    for (let attempt = 0; attempt < SETTLE_POLL_TRIES && !signal.aborted; attempt += 1) {
      try {
        job = await this.api.getJob(this.state.jobId);
        this.callbacks.onJob(job);
        if (isTerminal(job) && job.cost) return job;
      } catch {
        // Keep the last good answer; a blip here is not worth a banner.
      }
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    }
    return job;
  }
}
