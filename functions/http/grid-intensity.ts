// The grid carbon intensity shown for a node, gCO2e/kWh: the seller's own figure when declared,
// else the regional default.
import type { NodeDoc } from "../domain/model.js";

/** Ember 2024 yearly average for the world, the default when a region is unknown. */
const WORLD_GRID_INTENSITY = 473;

export function gridIntensityOf(node: Pick<NodeDoc, "gridIntensityOverride" | "region">): number {
  return node.gridIntensityOverride ?? WORLD_GRID_INTENSITY;
}
