// The grid carbon intensity shown for a node, gCO2e/kWh: the seller's own figure when declared,
// else its region's (domain/carbon.ts).
import { gridIntensityFor } from "../domain/carbon.js";
import type { NodeDoc } from "../domain/model.js";

export function gridIntensityOf(node: Pick<NodeDoc, "gridIntensityOverride" | "region">): number {
  return gridIntensityFor(node.region, node.gridIntensityOverride).value;
}
