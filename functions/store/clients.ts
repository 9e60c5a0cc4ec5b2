// The one place Azure SDK clients are built from the configuration: keys and connection strings on a
// developer machine, the managed identity (DefaultAzureCredential) on Azure.
import { CosmosClient, type CosmosClientOptions, type Database } from "@azure/cosmos";
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { BlobServiceClient } from "@azure/storage-blob";
import { QueueServiceClient } from "@azure/storage-queue";
import { getConfig, type CosmosConfig, type StorageConfig } from "./config.js";

const credentials = new Map<string, TokenCredential>();

/**
 * The Entra ID credential for a user-assigned identity (or the default chain when no client id is
 * given: az/azd login on a laptop). One instance per client id so every client shares its token cache.
 */
export function azureCredential(clientId?: string): TokenCredential {
  const cacheKey = clientId ?? "";
  let credential = credentials.get(cacheKey);
  if (credential === undefined) {
    credential = new DefaultAzureCredential(
      clientId === undefined ? {} : { managedIdentityClientId: clientId },
    );
    credentials.set(cacheKey, credential);
  }
  return credential;
}

/**
 * CosmosClient options: the account key when configured, otherwise Entra ID (`aadCredentials`).
 * A local server on plain http (the embedded Cosmos server) advertises https:// locations the SDK
 * would follow, so endpoint discovery is off for http endpoints.
 */
export function cosmosClientOptions(cosmos: CosmosConfig): CosmosClientOptions {
  const auth =
    cosmos.auth.kind === "key"
      ? { key: cosmos.auth.key }
      : { aadCredentials: azureCredential(cosmos.auth.clientId) };
  const local = cosmos.endpoint.startsWith("http://");
  return {
    endpoint: cosmos.endpoint,
    ...auth,
    ...(local ? { connectionPolicy: { enableEndpointDiscovery: false } } : {}),
  };
}

export function createCosmosDatabase(cosmos: CosmosConfig): Database {
  return new CosmosClient(cosmosClientOptions(cosmos)).database(cosmos.database);
}

export function createQueueServiceClient(storage: StorageConfig): QueueServiceClient {
  return storage.kind === "connectionString"
    ? QueueServiceClient.fromConnectionString(storage.connectionString)
    : new QueueServiceClient(storage.queueServiceUri, azureCredential(storage.clientId));
}

export function createBlobServiceClient(storage: StorageConfig): BlobServiceClient {
  return storage.kind === "connectionString"
    ? BlobServiceClient.fromConnectionString(storage.connectionString)
    : new BlobServiceClient(storage.blobServiceUri, azureCredential(storage.clientId));
}

// Clients are reused for the life of the process: they hold connection pools and token caches.
let database: Database | undefined;
let queues: QueueServiceClient | undefined;
let blobs: BlobServiceClient | undefined;

/** The `wastecompute` Cosmos DB database of this process's configuration. */
export function cosmosDatabase(): Database {
  database ??= createCosmosDatabase(getConfig().cosmos);
  return database;
}

export function queueServiceClient(): QueueServiceClient {
  queues ??= createQueueServiceClient(getConfig().storage);
  return queues;
}

export function blobServiceClient(): BlobServiceClient {
  blobs ??= createBlobServiceClient(getConfig().storage);
  return blobs;
}
