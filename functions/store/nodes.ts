// Nodes repository (container `nodes`, partition key /sellerId).
import type { HeartbeatRequest } from "@wastecompute/contracts";
import type { NodeDoc as DomainNodeDoc } from "../domain/model.js";
import { container } from "./containers.js";
import { readDoc, updateDoc, withoutSystemFields, type Mutation } from "./optimistic.js";

/**
 * The stored node: the domain's document plus operational fields the domain model does not
 * describe: a seller's drain request, when the reaper took it offline, the last reported
 * utilisation, and when the agent's queue access expires.
 */
type Utilisation = HeartbeatRequest["utilisation"];

export type NodeDoc = DomainNodeDoc & {
  drainRequestedAt?: string;
  offlineSince?: string;
  utilisation?: Utilisation;
  queueAccessExpiresAt?: string;
};

export async function createNode(node: NodeDoc): Promise<NodeDoc> {
  await container("nodes").items.create(node);
  return node;
}

export async function getNode(sellerId: string, id: string): Promise<NodeDoc | undefined> {
  const doc = await readDoc<NodeDoc>(container("nodes"), id, sellerId);
  return doc === undefined ? undefined : withoutSystemFields(doc);
}

export async function updateNode(
  sellerId: string,
  id: string,
  mutate: Mutation<NodeDoc>,
): Promise<NodeDoc | undefined> {
  const doc = await updateDoc<NodeDoc>(container("nodes"), id, sellerId, mutate);
  return doc === undefined ? undefined : withoutSystemFields(doc);
}

export async function deleteNode(sellerId: string, id: string): Promise<void> {
  await container("nodes").item(id, sellerId).delete();
}

export async function listSellerNodes(sellerId: string): Promise<NodeDoc[]> {
  const { resources } = await container("nodes")
    .items.query<NodeDoc>(
      {
        query: "SELECT * FROM c WHERE c.sellerId = @sellerId ORDER BY c.createdAt DESC",
        parameters: [{ name: "@sellerId", value: sellerId }],
      },
      { partitionKey: sellerId },
    )
    .fetchAll();
  return resources.map((doc) => withoutSystemFields(doc));
}

/** Every node in the marketplace: placement, the reaper and public views (cross-partition). */
export async function listAllNodes(): Promise<NodeDoc[]> {
  const { resources } = await container("nodes").items.query<NodeDoc>("SELECT * FROM c").fetchAll();
  return resources.map((doc) => withoutSystemFields(doc));
}
