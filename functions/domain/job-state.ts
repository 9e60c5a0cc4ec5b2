// The job state machine. Every change goes through transition(), which checks the move is legal,
// appends it to the job's history and keeps attempts and the assignment consistent with it.
import {
  JOB_STATUSES,
  TERMINAL_JOB_STATUSES,
  type SubmitJobRequest,
} from "@wastecompute/contracts";
import { ConflictError, InvalidTransitionError, ValidationError } from "./errors.js";
import type { AttemptOutcome, JobAssignment, JobDoc, JobStatus } from "./model.js";

export { JOB_STATUSES, TERMINAL_JOB_STATUSES };

/** Placements a job gets before it is declared lost, unless the submitter says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * Legal moves. `placed`/`running` → `queued` is a retry (the next placement is attempt + 1);
 * `placed` → `failed` covers a node that could not start the job at all.
 */
const NEXT: Record<JobStatus, readonly JobStatus[]> = {
  queued: ["placed", "cancelled", "expired"],
  placed: ["running", "queued", "failed", "cancelled", "lost"],
  running: ["succeeded", "failed", "timed_out", "cancelled", "lost", "queued"],
  succeeded: [],
  failed: [],
  timed_out: [],
  cancelled: [],
  expired: [],
  lost: [],
};

const ATTEMPT_OUTCOME: Partial<Record<JobStatus, AttemptOutcome>> = {
  queued: "requeued",
  succeeded: "succeeded",
  failed: "failed",
  timed_out: "timed_out",
  cancelled: "cancelled",
  lost: "lost",
};

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_JOB_STATUSES.includes(status);
}

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return NEXT[from].includes(to);
}

/** Whether a placed/running job may go back to the queue for another placement. */
export function hasAttemptsLeft(job: Pick<JobDoc, "attempt" | "maxAttempts">): boolean {
  return job.attempt < job.maxAttempts;
}

/** Where the job is placed; required when moving to `placed`. */
export type NewAssignment = Omit<JobAssignment, "attempt" | "placedAt">;

export interface TransitionContext {
  at: Date;
  reason: string;
  assignment?: NewAssignment;
}

/** Returns the job after moving it to `to`, or throws InvalidTransitionError. */
export function transition(job: JobDoc, to: JobStatus, context: TransitionContext): JobDoc {
  const { at, reason } = context;
  if (!canTransition(job.status, to)) throw new InvalidTransitionError(job.status, to);
  const iso = at.toISOString();
  let next: JobDoc = { ...job, status: to, updatedAt: iso };

  if (to === "placed") {
    if (!context.assignment) {
      throw new InvalidTransitionError(job.status, to, "placing a job needs the node it goes to");
    }
    if (!hasAttemptsLeft(job)) {
      throw new InvalidTransitionError(
        job.status,
        to,
        `job ${job.id} has used all ${job.maxAttempts} attempts`,
      );
    }
    const attempt = job.attempt + 1;
    const assignment: JobAssignment = { ...context.assignment, attempt, placedAt: iso };
    next = {
      ...next,
      attempt,
      assignment,
      nodeId: assignment.nodeId,
      attempts: [
        ...job.attempts,
        {
          number: attempt,
          nodeId: assignment.nodeId,
          sellerId: assignment.sellerId,
          placedAt: iso,
        },
      ],
    };
  } else if (to === "queued" && !hasAttemptsLeft(job)) {
    throw new InvalidTransitionError(
      job.status,
      to,
      `job ${job.id} has used all ${job.maxAttempts} attempts`,
    );
  }

  if (to === "running") next = withCurrentAttempt(next, { startedAt: iso });
  const outcome = job.status === "queued" ? undefined : ATTEMPT_OUTCOME[to];
  if (outcome) next = withCurrentAttempt(next, { endedAt: iso, outcome, reason });
  if (to === "queued") next = withoutCancelRequest({ ...next, assignment: null });
  if (isTerminal(to) && to !== "succeeded") next = { ...next, failureReason: reason };

  const record = { status: to, at: iso, reason, attempt: next.attempt };
  const nodeId = next.assignment?.nodeId;
  return { ...next, transitions: [...job.transitions, nodeId ? { ...record, nodeId } : record] };
}

function withoutCancelRequest(job: JobDoc): JobDoc {
  const copy = { ...job };
  delete copy.cancelRequestedAt;
  return copy;
}

function withCurrentAttempt(job: JobDoc, changes: Partial<JobDoc["attempts"][number]>): JobDoc {
  return {
    ...job,
    attempts: job.attempts.map((a) => (a.number === job.attempt ? { ...a, ...changes } : a)),
  };
}

/** Identity and defaults of a new job; the spec comes from the validated request. */
export interface NewJob {
  id: string;
  buyerId: string;
  at: Date;
  maxAttempts?: number;
}

/** A freshly submitted job, `queued`, with its first transition recorded. */
export function createJob(request: SubmitJobRequest, identity: NewJob): JobDoc {
  const maxAttempts = identity.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw new ValidationError("maxAttempts must be at least 1", [
      { path: "maxAttempts", message: "must be a whole number of at least 1" },
    ]);
  }
  const iso = identity.at.toISOString();
  return {
    id: identity.id,
    buyerId: identity.buyerId,
    status: "queued",
    command: request.command,
    resourceType: request.resourceType,
    requirements: request.requirements,
    maxRuntimeSec: request.maxRuntimeSec,
    queueTimeoutSec: request.queueTimeoutSec,
    networkAccess: request.networkAccess,
    env: request.env,
    createdAt: iso,
    updatedAt: iso,
    attempt: 0,
    maxAttempts,
    attempts: [],
    assignment: null,
    transitions: [{ status: "queued", at: iso, reason: "submitted", attempt: 0 }],
    logBytes: 0,
  };
}

/**
 * The buyer asks to cancel. A queued job is cancelled at once; a placed or running one is marked
 * so the agent is told to stop (it becomes `cancelled` when the agent reports). Asking twice is
 * harmless; asking about a finished job is a conflict.
 */
export function requestCancellation(job: JobDoc, at: Date, reason = "cancelled by buyer"): JobDoc {
  if (isTerminal(job.status)) {
    throw new ConflictError(`job ${job.id} already finished (${job.status})`);
  }
  if (job.status === "queued") return transition(job, "cancelled", { at, reason });
  if (job.cancelRequestedAt) return job;
  const iso = at.toISOString();
  return { ...job, cancelRequestedAt: iso, updatedAt: iso };
}

/**
 * Refuses agent calls that carry a lease other than the assignment's (the job was taken back or
 * placed elsewhere). A finished job keeps its last assignment, so the agent that ran it can
 * repeat its last call and the HTTP layer can answer idempotently.
 */
export function assertCurrentLease(job: JobDoc, leaseToken: string): JobAssignment {
  const assignment = job.assignment;
  if (!assignment || assignment.leaseToken !== leaseToken) {
    throw new ConflictError(`lease for job ${job.id} is no longer current`);
  }
  return assignment;
}
