// Runs activity functions on a bounded queue and turns each outcome into a TaskCompleted or
// TaskFailed event for the instance that scheduled it. Runs each scheduled activity once per
// process; after a restart the engine dispatches still-open activities again (at-least-once).
import type { HostServices } from "../extension.js";
import type { ActivityWork } from "./episode.js";
import { errorText } from "./error-text.js";
import type { FunctionCatalog } from "./function-catalog.js";
import type { PendingEvent } from "./instance.js";
import { WorkQueue } from "./work-queue.js";

interface ActivityJob extends ActivityWork {
  instanceId: string;
  executionId: string;
}

export type ActivityOutcome = Extract<PendingEvent, { kind: "taskCompleted" | "taskFailed" }>;

export class ActivityRunner {
  private readonly queue: WorkQueue<ActivityJob>;
  private readonly inFlight = new Set<string>();
  private stopped = false;

  constructor(
    concurrency: number,
    private readonly services: HostServices,
    private readonly catalog: FunctionCatalog,
    private readonly onOutcome: (instanceId: string, outcome: ActivityOutcome) => void,
  ) {
    this.queue = new WorkQueue(concurrency, (job) => this.run(job));
  }

  /** Queues an activity unless the same one (instance, execution, sequence number) is queued or running. */
  dispatch(instanceId: string, executionId: string, work: ActivityWork): void {
    const key = `${instanceId}|${executionId}|${work.seq}`;
    if (this.inFlight.has(key) || this.stopped) return;
    this.inFlight.add(key);
    this.queue.push({ ...work, instanceId, executionId });
  }

  /** Queued activities no longer start; outcomes of running ones are dropped. */
  stop(): void {
    this.stopped = true;
  }

  private async run(job: ActivityJob): Promise<void> {
    const key = `${job.instanceId}|${job.executionId}|${job.seq}`;
    try {
      // Queued work left when the host stops runs in the next host (it is still an open task).
      if (this.stopped) return;
      const outcome = await this.invoke(job);
      if (!this.stopped) this.onOutcome(job.instanceId, outcome);
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async invoke(job: ActivityJob): Promise<ActivityOutcome> {
    const base = { executionId: job.executionId, seq: job.seq };
    try {
      const fn = this.catalog.activity(job.name);
      if (fn === undefined)
        throw new Error(`The activity function '${job.name}' is not registered in this app.`);
      const input = job.input === undefined ? undefined : (JSON.parse(job.input) as unknown);
      const result = await this.services.invoke(fn, input);
      return { kind: "taskCompleted", ...base, result: JSON.stringify(result ?? null) };
    } catch (error) {
      const { message, details } = errorText(error);
      return {
        kind: "taskFailed",
        ...base,
        reason: `Activity function '${job.name}' failed: ${message}`,
        details,
      };
    }
  }
}
