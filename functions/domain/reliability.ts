// A node's reliability: an exponential moving average of the outcomes of attempts placed on it.
// Only outcomes the node is responsible for count; a job that exits non-zero is the buyer's
// business and still counts as the node doing its work.
import type { NodeDoc } from "./model.js";

/** A new node starts trusted but below a proven one. */
export const INITIAL_RELIABILITY = 0.9;
/** Weight of the latest outcome: about the last 20 attempts dominate the score. */
export const RELIABILITY_EMA_WEIGHT = 0.1;

/**
 * completed: the node ran the attempt to an end it reported (any exit code, timeout, cancel);
 * lost: heartbeats stopped while it held the job; notStarted: it never accepted a dispatched job.
 */
export type NodeOutcome = "completed" | "lost" | "notStarted";

const OUTCOME_SCORE: Record<NodeOutcome, number> = { completed: 1, lost: 0, notStarted: 0 };

export type ReliabilityNode = Pick<NodeDoc, "reliability" | "outcomes">;

/** The node with its reliability moved towards the outcome and the outcome counted. */
export function recordOutcome<N extends ReliabilityNode>(node: N, outcome: NodeOutcome): N {
  const reliability =
    node.reliability + RELIABILITY_EMA_WEIGHT * (OUTCOME_SCORE[outcome] - node.reliability);
  return {
    ...node,
    reliability: Math.min(1, Math.max(0, reliability)),
    outcomes: { ...node.outcomes, [outcome]: node.outcomes[outcome] + 1 },
  };
}
