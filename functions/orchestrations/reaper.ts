// Timer `reapStaleNodes`: nodes whose heartbeats stopped are taken offline and every job placed
// or running on them is reported lost to its orchestration, which retries it elsewhere.
import type { InvocationContext, Timer } from "@azure/functions";
import * as df from "durable-functions";
import type { LifecycleEvent } from "./lifecycle-contract.js";
import { isNodeFresh } from "../http/views.js";
import { listJobsOnNode } from "../store/jobs.js";
import { listAllNodes, updateNode } from "../store/nodes.js";
import { platformSettings } from "../store/platform-settings.js";

export const reaperSchedule = (): string => platformSettings().reaperSchedule;

export async function reapStaleNodes(_timer: Timer, context: InvocationContext): Promise<void> {
  const now = new Date();
  const staleSec = platformSettings().nodeStaleSec;
  const client = df.getClient(context);
  for (const node of await listAllNodes()) {
    if (isNodeFresh(node, now, staleSec)) continue;
    if (node.offlineSince === undefined) {
      const stillStale = await updateNode(node.sellerId, node.id, (current) =>
        isNodeFresh(current, now, staleSec) || current.offlineSince !== undefined
          ? undefined
          : { ...current, offlineSince: now.toISOString(), updatedAt: now.toISOString() },
      );
      if (stillStale === undefined || isNodeFresh(stillStale, now, staleSec)) continue;
      context.info("node offline", { nodeId: node.id, lastHeartbeatAt: node.lastHeartbeatAt });
    }
    // Raised on every pass while jobs remain assigned: a raise lost to a crash is repeated, and
    // the orchestrator ignores events for attempts it has moved past.
    for (const job of await listJobsOnNode(node.id)) {
      const event: LifecycleEvent["nodeLost"] = {
        attempt: job.attempt,
        nodeId: node.id,
        reason: `node ${node.id} stopped heartbeating`,
      };
      try {
        await client.raiseEvent(job.id, "nodeLost", event);
        context.info("job lost with its node", {
          jobId: job.id,
          nodeId: node.id,
          attempt: job.attempt,
        });
      } catch (error) {
        // One job's missing or broken instance must not keep the others on this node waiting.
        context.warn("could not report a lost job", {
          jobId: job.id,
          nodeId: node.id,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }
}
