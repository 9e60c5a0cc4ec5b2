// Capacity arithmetic on a node document: what is free, and reserving or releasing room for a
// job. Both are idempotent by job id, so a replayed activity never books a job twice; the store
// writes the result with an etag check, so two placements racing for the same room cannot both win.
import { InsufficientCapacityError } from "./errors.js";
import type { NodeDoc, Reservation } from "./model.js";

/** What a job needs from a node. `cpuCores` are logical CPUs (vCPUs / hardware threads). */
export interface ResourceRequest {
  cpuCores: number;
  memoryMb: number;
  gpuCount: number;
}

export interface FreeCapacity {
  slots: number;
  cpuCores: number;
  memoryMb: number;
  /** Indexes of GPUs no job holds, ascending. */
  gpuIndexes: number[];
}

export type CapacityNode = Pick<NodeDoc, "id" | "slots" | "hardware" | "reservations">;

/** Room left on the node after its current reservations. */
export function freeCapacity(node: CapacityNode): FreeCapacity {
  const held = new Set(node.reservations.flatMap((r) => r.gpuIndexes));
  const sum = (pick: (r: Reservation) => number) =>
    node.reservations.reduce((n, r) => n + pick(r), 0);
  return {
    slots: node.slots - node.reservations.length,
    cpuCores: node.hardware.cpuThreads - sum((r) => r.cpuCores),
    memoryMb: node.hardware.memoryMb - sum((r) => r.memoryMb),
    gpuIndexes: node.hardware.gpus
      .map((g) => g.index)
      .filter((index) => !held.has(index))
      .sort((a, b) => a - b),
  };
}

/** What the node lacks for the request, in words; empty when it fits. */
export function shortfall(node: CapacityNode, request: ResourceRequest): string[] {
  const free = freeCapacity(node);
  const missing: string[] = [];
  if (free.slots < 1) missing.push("no free job slot");
  if (free.cpuCores < request.cpuCores)
    missing.push(`${free.cpuCores} of ${request.cpuCores} cores free`);
  if (free.memoryMb < request.memoryMb)
    missing.push(`${free.memoryMb} of ${request.memoryMb} MB free`);
  if (free.gpuIndexes.length < request.gpuCount) {
    missing.push(`${free.gpuIndexes.length} of ${request.gpuCount} GPUs free`);
  }
  return missing;
}

export function fits(node: CapacityNode, request: ResourceRequest): boolean {
  return shortfall(node, request).length === 0;
}

/**
 * The node with room held for `jobId` (the lowest free GPU indexes), or InsufficientCapacityError.
 * Reserving again for a job that already holds room returns the node unchanged.
 */
export function reserve<N extends CapacityNode>(
  node: N,
  jobId: string,
  request: ResourceRequest,
  at: Date,
): N {
  if (node.reservations.some((r) => r.jobId === jobId)) return node;
  const missing = shortfall(node, request);
  if (missing.length > 0) {
    throw new InsufficientCapacityError(
      node.id,
      `node ${node.id} cannot take job ${jobId}: ${missing.join(", ")}`,
    );
  }
  const reservation: Reservation = {
    jobId,
    cpuCores: request.cpuCores,
    memoryMb: request.memoryMb,
    gpuCount: request.gpuCount,
    gpuIndexes: freeCapacity(node).gpuIndexes.slice(0, request.gpuCount),
    reservedAt: at.toISOString(),
  };
  return { ...node, reservations: [...node.reservations, reservation] };
}

/** The node without `jobId`'s reservation; unchanged (the same object) when it holds none. */
export function release<N extends CapacityNode>(node: N, jobId: string): N {
  if (!node.reservations.some((r) => r.jobId === jobId)) return node;
  return { ...node, reservations: node.reservations.filter((r) => r.jobId !== jobId) };
}

/** The reservation `jobId` holds on the node, if any. */
export function reservationOf(node: CapacityNode, jobId: string): Reservation | undefined {
  return node.reservations.find((r) => r.jobId === jobId);
}
