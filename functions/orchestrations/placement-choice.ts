// Which nodes may take a job now, best first: the domain's ranking (domain/placement.ts) over the
// nodes the platform still trusts (not reaped, heartbeat fresh by this deployment's threshold,
// not drained by their seller). Nodes the job already tried are used only when nothing else fits.
import type { JobDoc } from "../domain/model.js";
import { rankNodes } from "../domain/placement.js";
import type { NodeDoc } from "../store/nodes.js";
import { isNodeFresh } from "../http/views.js";

export function rankCandidates(
  job: JobDoc,
  nodes: readonly NodeDoc[],
  now: Date,
  staleSec: number,
  avoidNodeIds: readonly string[],
): NodeDoc[] {
  const usable = nodes.filter(
    (n) => isNodeFresh(n, now, staleSec) && n.drainRequestedAt === undefined,
  );
  const request = {
    jobId: job.id,
    requirements: job.requirements,
    networkAccess: job.networkAccess,
  };
  const preferred = rankNodes(usable, { ...request, excludeNodeIds: avoidNodeIds }, now);
  const ranked =
    preferred.length > 0 ? preferred : rankNodes(usable, { ...request, excludeNodeIds: [] }, now);
  return ranked.map((r) => r.node);
}
