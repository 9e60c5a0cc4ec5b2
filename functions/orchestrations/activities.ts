// The lifecycle's activities: each one small, idempotent (safe to run again after a crash) and
// named for what it does. The orchestrator calls them by name; functions/index.ts registers them.
import type { ActivityHandler } from "durable-functions";
import {
  LEASE_TOKEN_PREFIX,
  type DispatchMessage,
  type FinishJobRequest,
} from "@wastecompute/contracts";
import { reserve, release } from "../domain/capacity.js";
import { InsufficientCapacityError } from "../domain/errors.js";
import { isTerminal, requestCancellation, transition } from "../domain/job-state.js";
import type { JobDoc, JobStatus } from "../domain/model.js";
import { recordOutcome, type NodeOutcome } from "../domain/reliability.js";
import { mintSecret, sha256Hex } from "../http/secrets.js";
import { sendDispatchMessage } from "../store/dispatch-queue.js";
import { getJob, updateJob } from "../store/jobs.js";
import { getNode, listAllNodes, updateNode, type NodeDoc } from "../store/nodes.js";
import { platformSettings } from "../store/platform-settings.js";
import { rankCandidates } from "./placement-choice.js";
import { settleJob } from "./settle.js";

export interface Placement {
  nodeId: string;
  sellerId: string;
  gpuIndexes: number[];
}

export interface ReserveInput {
  jobId: string;
  buyerId: string;
  /** Nodes already tried for this job: used only when no other node fits. */
  avoidNodeIds: string[];
}

export interface DispatchInput {
  jobId: string;
  buyerId: string;
  placement: Placement;
  acceptBy: string;
}

export interface DispatchResult {
  attempt: number;
}

export interface RequeueInput {
  jobId: string;
  buyerId: string;
  attempt: number;
  nodeId: string;
  sellerId: string;
  reason: string;
  /** What the attempt's end says about the node, for its reliability score. */
  nodeFault: "lost" | "notStarted" | "none";
}

export interface SettleInput {
  jobId: string;
  buyerId: string;
  status: JobStatus;
  reason: string;
  report?: FinishJobRequest;
}

async function requireJob(buyerId: string, jobId: string): Promise<JobDoc> {
  const job = await getJob(buyerId, jobId);
  if (job === undefined) throw new Error(`job ${jobId} not found`);
  return job;
}

/**
 * Holds room for the job on the best node that fits (etag-checked, so two jobs never take the
 * same room); null when no node can take it now. Reserving again for the same job finds its
 * existing reservation.
 */
export async function reserveNode(input: ReserveInput): Promise<Placement | null> {
  const job = await requireJob(input.buyerId, input.jobId);
  const nodes = await listAllNodes();
  const held = nodes.find((n) => n.reservations.some((r) => r.jobId === job.id));
  if (held !== undefined) {
    const reservation = held.reservations.find((r) => r.jobId === job.id)!;
    return { nodeId: held.id, sellerId: held.sellerId, gpuIndexes: reservation.gpuIndexes };
  }
  const now = new Date();
  for (const candidate of rankCandidates(
    job,
    nodes,
    now,
    platformSettings().nodeStaleSec,
    input.avoidNodeIds,
  )) {
    let gpuIndexes: number[] | undefined;
    const updated = await updateNode(candidate.sellerId, candidate.id, (node) => {
      try {
        const next = reserve(node, job.id, job.requirements, now);
        gpuIndexes = next.reservations.find((r) => r.jobId === job.id)?.gpuIndexes ?? [];
        return next === node ? undefined : { ...next, updatedAt: now.toISOString() };
      } catch (error) {
        if (error instanceof InsufficientCapacityError) {
          gpuIndexes = undefined;
          return undefined;
        }
        throw error;
      }
    });
    if (updated !== undefined && gpuIndexes !== undefined) {
      return { nodeId: candidate.id, sellerId: candidate.sellerId, gpuIndexes };
    }
  }
  return null;
}

/** Places the job under a new lease and puts its message on the node's queue. */
export async function dispatchJob(input: DispatchInput): Promise<DispatchResult> {
  const { placement } = input;
  const lease = mintSecret(LEASE_TOKEN_PREFIX);
  const now = new Date();
  const job = await updateJob(input.buyerId, input.jobId, (current) =>
    transition(current, "placed", {
      at: now,
      reason: `placed on node ${placement.nodeId}`,
      assignment: {
        nodeId: placement.nodeId,
        sellerId: placement.sellerId,
        leaseToken: sha256Hex(lease),
        gpuIndexes: placement.gpuIndexes,
      },
    }),
  );
  if (job === undefined) throw new Error(`job ${input.jobId} not found`);
  const node = await getNode(placement.sellerId, placement.nodeId);
  if (node === undefined) throw new Error(`node ${placement.nodeId} not found`);
  const message: DispatchMessage = {
    kind: "job",
    jobId: job.id,
    attempt: job.attempt,
    leaseToken: lease,
    command: job.command,
    env: job.env,
    resourceType: job.resourceType,
    requirements: job.requirements,
    maxRuntimeSec: job.maxRuntimeSec,
    networkAccess: job.networkAccess,
    acceptBy: input.acceptBy,
    gpuIndexes: placement.gpuIndexes,
  };
  const ttlSec = Math.max(60, Math.ceil((Date.parse(input.acceptBy) - now.getTime()) / 1000) + 60);
  await sendDispatchMessage(node.queueName, message, ttlSec);
  return { attempt: job.attempt };
}

/** The agent started the attempt: the job is running. */
export async function markRunning(input: {
  jobId: string;
  buyerId: string;
  attempt: number;
  at: string;
}): Promise<void> {
  await updateJob(input.buyerId, input.jobId, (job) =>
    job.status === "placed" && job.attempt === input.attempt
      ? transition(job, "running", { at: new Date(input.at), reason: "started by the agent" })
      : undefined,
  );
}

/** Flags the running job so its node's next heartbeat answer tells the agent to stop it. */
export async function markCancelRequested(input: {
  jobId: string;
  buyerId: string;
}): Promise<void> {
  await updateJob(input.buyerId, input.jobId, (job) => {
    if (isTerminal(job.status)) return undefined;
    const next = requestCancellation(job, new Date(), "cancelled by the buyer");
    return next === job ? undefined : next;
  });
}

/** Frees the attempt's room on its node and scores the node for how the attempt ended. */
export async function releaseAttempt(input: RequeueInput): Promise<void> {
  const outcome: NodeOutcome | undefined = input.nodeFault === "none" ? undefined : input.nodeFault;
  await releaseReservation(input.sellerId, input.nodeId, input.jobId, outcome);
}

export async function releaseReservation(
  sellerId: string,
  nodeId: string,
  jobId: string,
  outcome?: NodeOutcome,
): Promise<void> {
  await updateNode(sellerId, nodeId, (node) => {
    if (!node.reservations.some((r) => r.jobId === jobId)) return undefined;
    const released: NodeDoc = release(node, jobId);
    return {
      ...(outcome === undefined ? released : recordOutcome(released, outcome)),
      updatedAt: new Date().toISOString(),
    };
  });
}

/** Takes the job back from a node that lost it (or never started it) for another placement. */
export async function requeueJob(input: RequeueInput): Promise<void> {
  await releaseAttempt(input);
  await updateJob(input.buyerId, input.jobId, (job) =>
    job.attempt === input.attempt && (job.status === "placed" || job.status === "running")
      ? transition(job, "queued", { at: new Date(), reason: input.reason })
      : undefined,
  );
}

export const activities: Record<string, ActivityHandler> = {
  reserveNode: (input) => reserveNode(input as ReserveInput),
  dispatchJob: (input) => dispatchJob(input as DispatchInput),
  markRunning: (input) =>
    markRunning(input as { jobId: string; buyerId: string; attempt: number; at: string }),
  markCancelRequested: (input) => markCancelRequested(input as { jobId: string; buyerId: string }),
  releaseAttempt: (input) => releaseAttempt(input as RequeueInput),
  requeueJob: (input) => requeueJob(input as RequeueInput),
  settleJob: (input) => settleJob(input as SettleInput),
};
