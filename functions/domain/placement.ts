// Chooses the node for a job: filter the nodes that can take it now, score them, and order them
// deterministically (score, then node id) so a replayed placement picks the same node.
import { fits, freeCapacity } from "./capacity.js";
import { gridIntensityFor } from "./carbon.js";
import type { JobRequirements, NodeDoc } from "./model.js";
import { nameMatches } from "./model-names.js";
import { isOnline, ownerLoadAllows, withinAllowedHours } from "./node-availability.js";
import { microsPerSecondAt } from "./pricing.js";
import { BASIS_POINTS, RATE_CARD, type RateCard } from "./rate-card.js";

/**
 * How much each criterion counts; they sum to 1 and every criterion scores 0..1. Reliability
 * leads because a lost job costs the buyer a whole retry; a cleaner grid comes next because
 * that is the marketplace's promise; free room spreads load; the price floor breaks near-ties.
 */
export const SCORE_WEIGHTS = {
  reliability: 0.4,
  carbon: 0.25,
  capacity: 0.25,
  price: 0.1,
} as const;

/** Grid intensity (gCO2e/kWh) at and above which the carbon criterion scores 0. */
export const CARBON_SCORE_CEILING = 800;

/** What placement needs to know about a job. */
export interface PlacementRequest {
  jobId: string;
  requirements: JobRequirements;
  networkAccess: boolean;
  /** Nodes this job was already placed on (failed to start, lost): not tried again. */
  excludeNodeIds: readonly string[];
}

/** Deployment settings placement depends on; every field has a default. */
export interface PlacementOptions {
  rateCard?: RateCard;
  /** A heartbeat older than this makes a node ineligible (default HEARTBEAT_FRESH_SECONDS). */
  heartbeatFreshSeconds?: number;
}

/** Why a node cannot take the job now. */
export type Ineligibility =
  | "excluded"
  | "offline"
  | "draining"
  | "outside-allowed-hours"
  | "owner-busy"
  | "no-gpu"
  | "gpu-model"
  | "network"
  | "price-floor"
  | "capacity";

export interface ScoreBreakdown {
  total: number;
  reliability: number;
  carbon: number;
  capacity: number;
  price: number;
}

export interface RankedNode<N extends NodeDoc = NodeDoc> {
  node: N;
  score: ScoreBreakdown;
}

/** What the seller would earn per second for the request at `now` (before any buyer discount). */
function sellerMicrosPerSecond(
  node: NodeDoc,
  request: PlacementRequest,
  now: Date,
  card: RateCard,
): number {
  const buyerRate = microsPerSecondAt(request.requirements, now, node.timeZone, card);
  return (buyerRate * (BASIS_POINTS - card.platformFeeBps)) / BASIS_POINTS;
}

/** The first reason the node cannot take the job now, or null when it can. */
export function ineligibility(
  node: NodeDoc,
  request: PlacementRequest,
  now: Date,
  options: PlacementOptions = {},
): Ineligibility | null {
  const { requirements } = request;
  const card = options.rateCard ?? RATE_CARD;
  if (request.excludeNodeIds.includes(node.id)) return "excluded";
  if (!isOnline(node, now, options.heartbeatFreshSeconds)) return "offline";
  if (node.agentState === "draining" || node.agentState === "paused") return "draining";
  if (!withinAllowedHours(node.policy, node.timeZone, now)) return "outside-allowed-hours";
  if (!ownerLoadAllows(node)) return "owner-busy";
  if (requirements.gpuCount > 0 && node.hardware.gpus.length === 0) return "no-gpu";
  // GPU indexes are reserved without regard to model, so a model request needs a node whose
  // GPUs are all that model.
  const wanted = requirements.gpuModel;
  if (
    wanted &&
    requirements.gpuCount > 0 &&
    !node.hardware.gpus.every((g) => nameMatches(wanted, g.model))
  ) {
    return "gpu-model";
  }
  if (request.networkAccess && !node.policy.allowNetwork) return "network";
  if (
    node.priceFloorMicrosPerSecond !== undefined &&
    node.priceFloorMicrosPerSecond > sellerMicrosPerSecond(node, request, now, card)
  ) {
    return "price-floor";
  }
  if (!fits(node, requirements)) return "capacity";
  return null;
}

/** The node's score for the job (higher is better); assumes the node is eligible. */
export function scoreNode(
  node: NodeDoc,
  request: PlacementRequest,
  now: Date,
  options: PlacementOptions = {},
): ScoreBreakdown {
  const { requirements } = request;
  const card = options.rateCard ?? RATE_CARD;
  const free = freeCapacity(node);
  const left = (freeAmount: number, wanted: number, total: number) =>
    total > 0 ? Math.max(0, freeAmount - wanted) / total : 1;
  // The scarcest resource after placing the job decides how much room is left.
  const capacity = Math.min(
    left(free.cpuCores, requirements.cpuCores, node.hardware.cpuThreads),
    left(free.memoryMb, requirements.memoryMb, node.hardware.memoryMb),
    requirements.gpuCount > 0
      ? left(free.gpuIndexes.length, requirements.gpuCount, node.hardware.gpus.length)
      : 1,
  );
  const intensity = gridIntensityFor(node.region, node.gridIntensityOverride).value;
  const carbon = 1 - Math.min(intensity, CARBON_SCORE_CEILING) / CARBON_SCORE_CEILING;
  const floor = node.priceFloorMicrosPerSecond ?? 0;
  const earning = sellerMicrosPerSecond(node, request, now, card);
  const price = earning > 0 ? Math.max(0, 1 - floor / earning) : 0;
  const reliability = Math.min(1, Math.max(0, node.reliability));
  const total =
    SCORE_WEIGHTS.reliability * reliability +
    SCORE_WEIGHTS.carbon * carbon +
    SCORE_WEIGHTS.capacity * capacity +
    SCORE_WEIGHTS.price * price;
  return { total, reliability, carbon, capacity, price };
}

// Code-unit order, not locale order: the same on every machine.
const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Eligible nodes, best first; equal scores fall back to node id order. */
export function rankNodes<N extends NodeDoc>(
  nodes: readonly N[],
  request: PlacementRequest,
  now: Date,
  options: PlacementOptions = {},
): RankedNode<N>[] {
  return nodes
    .filter((node) => ineligibility(node, request, now, options) === null)
    .map((node) => ({ node, score: scoreNode(node, request, now, options) }))
    .sort((a, b) => b.score.total - a.score.total || compareIds(a.node.id, b.node.id));
}

/** The best node for the job now, or null when none can take it. */
export function chooseNode<N extends NodeDoc>(
  nodes: readonly N[],
  request: PlacementRequest,
  now: Date,
  options: PlacementOptions = {},
): N | null {
  return rankNodes(nodes, request, now, options)[0]?.node ?? null;
}
