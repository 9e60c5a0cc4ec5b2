// The Cosmos DB containers the app uses (architecture §6) and typed access to each; the one place
// container names are spelled.
import { CosmosClient, type Container, type Database } from "@azure/cosmos";
import { cosmosClientOptions } from "./clients.js";
import { getConfig } from "./config.js";

/** Containers (partition keys: accounts /id, jobs /buyerId, nodes /sellerId, ledger /accountId,
 * carbon /buyerId, idempotency /buyerId), provisioned from devhost.stack.json locally and by Bicep on Azure. */
export type ContainerName = "accounts" | "jobs" | "nodes" | "ledger" | "carbon" | "idempotency";

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
