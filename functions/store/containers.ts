// The Cosmos DB containers the app uses and their partition keys (architecture §6), plus typed
// access to each; the one place container names are spelled.
import { CosmosClient, type Container, type Database } from "@azure/cosmos";
import { cosmosClientOptions } from "./clients.js";
import { getConfig } from "./config.js";

export const CONTAINER_PARTITION_KEYS = {
  accounts: "/id",
  jobs: "/buyerId",
  nodes: "/sellerId",
  ledger: "/accountId",
  carbon: "/buyerId",
  idempotency: "/buyerId",
} as const;

export type ContainerName = keyof typeof CONTAINER_PARTITION_KEYS;

let database: Database | undefined;

/**
 * The app's database. A local server on plain http (the embedded Cosmos server) advertises
 * https:// locations that the SDK would follow, so endpoint discovery is off for http endpoints.
 */
function appDatabase(): Database {
  if (database === undefined) {
    const cosmos = getConfig().cosmos;
    const local = cosmos.endpoint.startsWith("http://");
    const client = new CosmosClient({
      ...cosmosClientOptions(cosmos),
      ...(local ? { connectionPolicy: { enableEndpointDiscovery: false } } : {}),
    });
    database = client.database(cosmos.database);
  }
  return database;
}

export function container(name: ContainerName): Container {
  return appDatabase().container(name);
}
