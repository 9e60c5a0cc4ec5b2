// Seller node endpoints (register, list, drain, remove) and the agent's heartbeat.
import {
  HeartbeatRequestSchema,
  HeartbeatResponseSchema,
  NodeOwnerViewSchema,
  NodePublicSchema,
  RegisterNodeRequestSchema,
  RegisterNodeResponseSchema,
  NODE_TOKEN_PREFIX,
  type ControlMessage,
  type HeartbeatRequest,
  type QueueAccess,
  type RegisterNodeRequest,
  type RegisterNodeResponse,
} from "@wastecompute/contracts";
import { z } from "zod";
import { ConflictError, NotFoundError } from "../domain/errors.js";
import { INITIAL_RELIABILITY } from "../domain/reliability.js";
import { listJobsOnNode } from "../store/jobs.js";
import { listLedgerEntries } from "../store/ledger.js";
import { saveCredential, revokeCredential } from "../store/credentials.js";
import { createNodeQueue, deleteNodeQueue } from "../store/dispatch-queue.js";
import {
  createNode,
  deleteNode,
  getNode,
  listAllNodes,
  listSellerNodes,
  updateNode,
  type NodeDoc,
} from "../store/nodes.js";
import { platformSettings } from "../store/platform-settings.js";
import { issueQueueAccess, nodeQueueName } from "../store/queue-access.js";
import type { AccountCaller } from "./auth.js";
import { hasAnyRole } from "./auth.js";
import { endpoint, json } from "./endpoint.js";
import { mintSecret, newId, sha256Hex } from "./secrets.js";
import { nodeOwnerView, nodePublicView } from "./views.js";

const SELLER = { kind: "roles", roles: ["seller"] } as const;
const NODE = { kind: "node" } as const;
/** Heartbeats hand out a fresh queue SAS once the current one has less than this share left. */
const QUEUE_ACCESS_REFRESH_SHARE = 0.25;

const queueExpiry = (now: Date): Date =>
  new Date(now.getTime() + platformSettings().queueAccessTtlSec * 1000);

/** Creates the node, its token and its dispatch queue; the token is in the answer only. */
export async function registerNode(
  sellerId: string,
  request: RegisterNodeRequest,
): Promise<RegisterNodeResponse> {
  const now = new Date();
  const id = newId("n");
  const token = mintSecret(NODE_TOKEN_PREFIX);
  const tokenHash = sha256Hex(token);
  const queueName = nodeQueueName(id);
  await createNodeQueue(queueName);
  const queue = await issueQueueAccess(id, queueExpiry(now));
  await saveCredential(tokenHash, { kind: "nodeToken", nodeId: id, sellerId }, now.toISOString());
  const node: NodeDoc = {
    id,
    sellerId,
    name: request.name,
    region: request.region,
    timeZone: request.timeZone,
    slots: request.slots,
    hardware: request.hardware,
    isolation: request.isolation,
    ...(request.priceFloorMicrosPerSecond === undefined
      ? {}
      : { priceFloorMicrosPerSecond: request.priceFloorMicrosPerSecond }),
    ...(request.gridIntensityOverride === undefined
      ? {}
      : { gridIntensityOverride: request.gridIntensityOverride }),
    policy: request.policy,
    ...(request.agentVersion === undefined ? {} : { agentVersion: request.agentVersion }),
    tokenHash,
    queueName,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    // Registering is the node's first sign of life.
    lastHeartbeatAt: now.toISOString(),
    agentState: "idle",
    reservations: [],
    reliability: INITIAL_RELIABILITY,
    outcomes: { completed: 0, lost: 0, notStarted: 0 },
    queueAccessExpiresAt: queue.expiresAt,
  };
  await createNode(node);
  return {
    nodeId: id,
    nodeToken: token,
    queue,
    heartbeatIntervalSec: platformSettings().heartbeatIntervalSec,
  };
}

/** What the agent must do next: cancel/abandon jobs it runs, drain. */
export async function controlMessagesFor(
  node: NodeDoc,
  runningJobIds: readonly string[],
): Promise<ControlMessage[]> {
  const control: ControlMessage[] = [];
  if (runningJobIds.length > 0) {
    const assigned = new Map((await listJobsOnNode(node.id)).map((job) => [job.id, job]));
    for (const jobId of runningJobIds) {
      const job = assigned.get(jobId);
      if (job === undefined)
        control.push({
          type: "abandon",
          jobId,
          reason: "the job is no longer assigned to this node",
        });
      else if (job.cancelRequestedAt !== undefined)
        control.push({ type: "cancel", jobId, reason: "cancelled by the buyer" });
    }
  }
  if (node.drainRequestedAt !== undefined) control.push({ type: "drain" });
  return control;
}

/** Records a heartbeat and answers with control messages and, near expiry, fresh queue access. */
export async function recordHeartbeat(
  node: NodeDoc,
  beat: HeartbeatRequest,
): Promise<z.infer<typeof HeartbeatResponseSchema>> {
  const now = new Date();
  const settings = platformSettings();
  const expiresAt =
    node.queueAccessExpiresAt === undefined ? 0 : Date.parse(node.queueAccessExpiresAt);
  let queue: QueueAccess | undefined;
  if (expiresAt - now.getTime() < settings.queueAccessTtlSec * 1000 * QUEUE_ACCESS_REFRESH_SHARE) {
    queue = await issueQueueAccess(node.id, queueExpiry(now));
  }
  const updated = await updateNode(node.sellerId, node.id, (current) => {
    const next: NodeDoc = {
      ...current,
      lastHeartbeatAt: now.toISOString(),
      updatedAt: now.toISOString(),
      agentState: beat.state,
      utilisation: beat.utilisation,
      ...(beat.utilisation.ownerCpuPercent === undefined
        ? {}
        : { ownerCpuPercent: beat.utilisation.ownerCpuPercent }),
      ...(beat.agentVersion === undefined ? {} : { agentVersion: beat.agentVersion }),
      ...(queue === undefined ? {} : { queueAccessExpiresAt: queue.expiresAt }),
    };
    delete next.offlineSince;
    return next;
  });
  if (updated === undefined) throw new NotFoundError("The node was removed.");
  return {
    control: await controlMessagesFor(updated, beat.runningJobIds),
    ...(queue === undefined ? {} : { queue }),
    heartbeatIntervalSec: settings.heartbeatIntervalSec,
  };
}

async function sellerEarningsByNode(sellerId: string): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (const entry of await listLedgerEntries(sellerId)) {
    if (entry.kind !== "earning") continue;
    totals.set(
      entry.settlement.nodeId,
      (totals.get(entry.settlement.nodeId) ?? 0) + entry.amountMicros,
    );
  }
  return totals;
}

async function ownNode(caller: AccountCaller, id: string): Promise<NodeDoc> {
  const node = await getNode(caller.account.id, id);
  if (node === undefined) throw new NotFoundError(`No node ${id}.`);
  return node;
}

const NodeListQuerySchema = z.object({ view: z.enum(["own", "marketplace"]).optional() });

/** Sellers see their own nodes unless they ask for the marketplace; everyone else the marketplace. */
export async function listNodesFor(
  caller: AccountCaller,
  view?: "own" | "marketplace",
): Promise<unknown[]> {
  const now = new Date();
  const staleSec = platformSettings().nodeStaleSec;
  const own = view === "own" || (view === undefined && hasAnyRole(caller.account, ["seller"]));
  if (own && hasAnyRole(caller.account, ["seller"])) {
    const earnings = await sellerEarningsByNode(caller.account.id);
    return (await listSellerNodes(caller.account.id)).map((n) =>
      nodeOwnerView(n, now, staleSec, earnings.get(n.id) ?? 0),
    );
  }
  return (await listAllNodes()).map((n) => nodePublicView(n, now, staleSec));
}

export const nodeEndpoints = [
  endpoint({
    name: "registerNode",
    method: "POST",
    route: "nodes",
    tag: "nodes",
    summary:
      "Register a machine: answers its id, its node token (shown once) and access to its dispatch queue.",
    access: SELLER,
    body: RegisterNodeRequestSchema,
    response: RegisterNodeResponseSchema,
    successStatus: 201,
    async handle({ body, caller, context }) {
      const registered = await registerNode(caller.account.id, body);
      context.info("node registered", { nodeId: registered.nodeId, sellerId: caller.account.id });
      return json(registered, 201);
    },
  }),
  endpoint({
    name: "listNodes",
    method: "GET",
    route: "nodes",
    tag: "nodes",
    summary:
      "Sellers: their own nodes (owner view). Buyers and admins, or `view=marketplace`: every node (public view, no owner, no secrets).",
    access: { kind: "roles", roles: ["seller", "buyer", "admin"] },
    query: NodeListQuerySchema,
    response: z.object({ items: z.array(z.union([NodeOwnerViewSchema, NodePublicSchema])) }),
    async handle({ caller, query }) {
      return json({ items: await listNodesFor(caller, query.view) });
    },
  }),
  endpoint({
    name: "nodeHeartbeat",
    method: "POST",
    route: "nodes/{id}/heartbeat",
    tag: "agent",
    summary:
      "The agent's heartbeat (node token): answers control messages (cancel, abandon, drain) and refreshed queue access.",
    access: NODE,
    body: HeartbeatRequestSchema,
    response: HeartbeatResponseSchema,
    async handle({ body, caller }) {
      return json(await recordHeartbeat(caller.node, body));
    },
  }),
  endpoint({
    name: "drainNode",
    method: "POST",
    route: "nodes/{id}/drain",
    tag: "nodes",
    summary:
      "Stop giving the node new jobs; running jobs finish. The agent is told at its next heartbeat.",
    access: SELLER,
    response: NodeOwnerViewSchema,
    async handle({ params, caller }) {
      const node = await ownNode(caller, params.id ?? "");
      const at = new Date().toISOString();
      const updated = await updateNode(node.sellerId, node.id, (current) =>
        current.drainRequestedAt === undefined
          ? { ...current, drainRequestedAt: at, updatedAt: at }
          : undefined,
      );
      if (updated === undefined) throw new NotFoundError(`No node ${node.id}.`);
      const earnings = await sellerEarningsByNode(caller.account.id);
      return json(
        nodeOwnerView(
          updated,
          new Date(),
          platformSettings().nodeStaleSec,
          earnings.get(node.id) ?? 0,
        ),
      );
    },
  }),
  endpoint({
    name: "removeNode",
    method: "DELETE",
    route: "nodes/{id}",
    tag: "nodes",
    summary:
      "Remove a node and revoke its token. Refused (409) while it holds jobs: drain it first.",
    access: SELLER,
    successStatus: 204,
    async handle({ params, caller, context }) {
      const node = await ownNode(caller, params.id ?? "");
      if (node.reservations.length > 0) {
        throw new ConflictError(
          `The node holds ${node.reservations.length} job(s): drain it, wait for them to finish, then remove it.`,
        );
      }
      await revokeCredential(node.tokenHash, new Date().toISOString());
      await deleteNode(node.sellerId, node.id);
      await deleteNodeQueue(node.queueName);
      context.info("node removed", { nodeId: node.id, sellerId: node.sellerId });
      return { status: 204 };
    },
  }),
];
