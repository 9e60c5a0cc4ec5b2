// The Cosmos DB containers the app uses (architecture §6) and typed access to each; the one place
// container names are spelled.
import type { Container } from "@azure/cosmos";
import { cosmosDatabase } from "./clients.js";

/**
 * Containers (partition keys: accounts /id, jobs /buyerId, nodes /sellerId, ledger /accountId,
 * carbon /buyerId, idempotency /buyerId), provisioned from devhost.stack.json locally and by
 * Bicep on Azure.
 */
export type ContainerName = "accounts" | "jobs" | "nodes" | "ledger" | "carbon" | "idempotency";

export function container(name: ContainerName): Container {
  return cosmosDatabase().container(name);
}
