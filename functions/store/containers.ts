// The Cosmos DB containers the app uses and their partition keys (architecture §6), plus typed
// access to each; the one place container names are spelled.
import type { Container } from "@azure/cosmos";
import { cosmosDatabase } from "./clients.js";

export const CONTAINER_PARTITION_KEYS = {
  accounts: "/id",
  jobs: "/buyerId",
  nodes: "/sellerId",
  ledger: "/accountId",
  carbon: "/buyerId",
  idempotency: "/buyerId",
} as const;

export type ContainerName = keyof typeof CONTAINER_PARTITION_KEYS;

export function container(name: ContainerName): Container {
  return cosmosDatabase().container(name);
}
