// Documents as callers may see them: the buyer's job view (env names, never values), the public
// node view (no owner, no secrets) and the owning seller's view.
import type { Job, NodeOwnerView, NodePublic } from "@wastecompute/contracts";
import type { JobDoc } from "../domain/model.js";
import type { NodeDoc } from "../store/nodes.js";
import { gridIntensityFor } from "../domain/carbon.js";
import { isOnline } from "../domain/node-availability.js";

export function jobView(job: JobDoc): Job {
  return {
    id: job.id,
    buyerId: job.buyerId,
    status: job.status,
    command: job.command,
    resourceType: job.resourceType,
    requirements: job.requirements,
    maxRuntimeSec: job.maxRuntimeSec,
    queueTimeoutSec: job.queueTimeoutSec,
    networkAccess: job.networkAccess,
    envNames: Object.keys(job.env).sort(),
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    attempt: job.attempt,
    ...(job.nodeId === undefined ? {} : { nodeId: job.nodeId }),
    ...(job.exitCode === undefined ? {} : { exitCode: job.exitCode }),
    ...(job.signal === undefined ? {} : { signal: job.signal }),
    ...(job.failureReason === undefined ? {} : { failureReason: job.failureReason }),
    transitions: job.transitions.map((t) => ({ ...t })),
    ...(job.usage === undefined
      ? {}
      : {
          usage: {
            wallSeconds: job.usage.wallSeconds,
            cpuSeconds: job.usage.cpuSeconds,
            peakRssMb: job.usage.peakRssMb,
            gpuSeconds: job.usage.gpuSeconds,
            ...(job.usage.energyKwhMeasured === undefined
              ? {}
              : { energyKwhMeasured: job.usage.energyKwhMeasured }),
          },
        }),
    ...(job.cost === undefined
      ? {}
      : {
          cost: {
            grossMicros: job.cost.grossMicros,
            discountMicros: job.cost.discountMicros,
            netMicros: job.cost.netMicros,
            currency: "USD" as const,
          },
        }),
    ...(job.carbon === undefined ? {} : { carbon: { ...job.carbon } }),
    logBytes: job.logBytes,
  };
}

export type NodeStatus = NodePublic["status"];

/** True while the node's last heartbeat is recent enough to trust it and the reaper has not taken it offline. */
export function isNodeFresh(node: NodeDoc, now: Date, staleSec: number): boolean {
  return node.offlineSince === undefined && isOnline(node, now, staleSec);
}

export function nodeStatus(node: NodeDoc, now: Date, staleSec: number): NodeStatus {
  if (!isNodeFresh(node, now, staleSec)) return "offline";
  if (node.drainRequestedAt !== undefined || node.agentState === "draining") return "draining";
  return node.reservations.length >= node.slots ? "busy" : "online";
}

export function nodePublicView(node: NodeDoc, now: Date, staleSec: number): NodePublic {
  return {
    id: node.id,
    name: node.name,
    region: node.region,
    timeZone: node.timeZone,
    status: nodeStatus(node, now, staleSec),
    isolation: node.isolation,
    hardware: node.hardware,
    slots: node.slots,
    freeSlots: Math.max(0, node.slots - node.reservations.length),
    reliability: node.reliability,
    gridIntensity: gridIntensityFor(node.region, node.gridIntensityOverride).value,
    ...(node.lastHeartbeatAt === undefined ? {} : { lastHeartbeatAt: node.lastHeartbeatAt }),
    ...(node.utilisation === undefined ? {} : { utilisation: node.utilisation }),
  };
}

export function nodeOwnerView(
  node: NodeDoc,
  now: Date,
  staleSec: number,
  earningsMicros: number,
): NodeOwnerView {
  return {
    ...nodePublicView(node, now, staleSec),
    sellerId: node.sellerId,
    policy: node.policy,
    ...(node.priceFloorMicrosPerSecond === undefined
      ? {}
      : { priceFloorMicrosPerSecond: node.priceFloorMicrosPerSecond }),
    runningJobIds: node.reservations.map((r) => r.jobId),
    earningsMicros,
    createdAt: node.createdAt,
  };
}
