// Creates what the app expects to exist: the Cosmos database and containers, Storage queues,
// tables and blob containers. Idempotent, so it runs on every start.
import { CosmosClient } from "@azure/cosmos";
import { TableClient } from "@azure/data-tables";
import { BlobServiceClient } from "@azure/storage-blob";
import { QueueServiceClient } from "@azure/storage-queue";
import type { StackConfig } from "./config.js";

export async function provisionCosmos(
  endpoint: string,
  key: string,
  cosmos: StackConfig["cosmos"],
): Promise<void> {
  // Endpoint discovery would follow the account's advertised (https) locations; stay on the given endpoint.
  const client = new CosmosClient({
    endpoint,
    key,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  try {
    const { database } = await client.databases.createIfNotExists({ id: cosmos.database });
    for (const container of cosmos.containers) {
      await database.containers.createIfNotExists({
        id: container.id,
        partitionKey: { paths: [container.partitionKey] },
      });
    }
  } finally {
    client.dispose();
  }
}

export async function provisionStorage(
  connectionString: string,
  storage: StackConfig["storage"],
): Promise<void> {
  const queues = QueueServiceClient.fromConnectionString(connectionString);
  const blobs = BlobServiceClient.fromConnectionString(connectionString);
  const insecure = /DefaultEndpointsProtocol=http(;|$)|Endpoint=http:/i.test(connectionString);
  await Promise.all([
    ...storage.queues.map((name) => queues.getQueueClient(name).createIfNotExists()),
    ...storage.blobContainers.map((name) => blobs.getContainerClient(name).createIfNotExists()),
    // createTable succeeds when the table already exists.
    ...storage.tables.map((name) =>
      TableClient.fromConnectionString(connectionString, name, {
        allowInsecureConnection: insecure,
      }).createTable(),
    ),
  ]);
}
