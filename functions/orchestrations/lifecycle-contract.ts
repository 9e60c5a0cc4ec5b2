// What the job lifecycle orchestration takes and which events it listens to: the contract
// between the HTTP layer / reaper (who start and signal it) and the orchestrator.
import type { FinishJobRequest } from "@wastecompute/contracts";
import type { JobDoc } from "../domain/model.js";
import { platformSettings } from "../store/platform-settings.js";

export const JOB_LIFECYCLE = "jobLifecycle";

/** Durations the orchestrator waits, fixed at submission so every replay sees the same values. */
export interface LifecycleTiming {
  acceptTimeoutSec: number;
  deadlineGraceSec: number;
  cancelGraceSec: number;
  placementRetrySec: number;
  placementRetryMaxSec: number;
}

export interface LifecycleInput {
  jobId: string;
  buyerId: string;
  queueTimeoutSec: number;
  maxRuntimeSec: number;
  maxAttempts: number;
  timing: LifecycleTiming;
}

/** Events raised on an instance (instance id = job id). Attempt-scoped ones carry the attempt. */
export interface LifecycleEvent {
  /** The agent called start under the attempt's lease. */
  started: { attempt: number; at: string };
  /** The agent reported the end of the attempt. */
  finished: { attempt: number; report: FinishJobRequest };
  /** The reaper saw the attempt's node stop heartbeating. */
  nodeLost: { attempt: number; nodeId: string; reason: string };
  /** The buyer asked to cancel. */
  cancel: { reason: string; at: string };
}
export type LifecycleEventName = keyof LifecycleEvent;

export function lifecycleInput(job: JobDoc): LifecycleInput {
  const s = platformSettings();
  return {
    jobId: job.id,
    buyerId: job.buyerId,
    queueTimeoutSec: job.queueTimeoutSec,
    maxRuntimeSec: job.maxRuntimeSec,
    maxAttempts: job.maxAttempts,
    timing: {
      acceptTimeoutSec: s.acceptTimeoutSec,
      deadlineGraceSec: s.deadlineGraceSec,
      cancelGraceSec: s.cancelGraceSec,
      placementRetrySec: s.placementRetrySec,
      placementRetryMaxSec: s.placementRetryMaxSec,
    },
  };
}
