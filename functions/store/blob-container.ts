// Lazily created blob containers, created once per process.
import type { ContainerClient } from "@azure/storage-blob";
import { blobServiceClient } from "./clients.js";

const ensured = new Map<string, Promise<ContainerClient>>();

export function blobContainer(name: string): Promise<ContainerClient> {
  let pending = ensured.get(name);
  if (pending === undefined) {
    pending = (async () => {
      const client = blobServiceClient().getContainerClient(name);
      await client.createIfNotExists();
      return client;
    })();
    pending.catch(() => ensured.delete(name));
    ensured.set(name, pending);
  }
  return pending;
}

/** The HTTP status of a storage SDK error, when it has one. */
export function storageStatus(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "statusCode" in error) {
    const status = (error as { statusCode: unknown }).statusCode;
    if (typeof status === "number") return status;
  }
  return undefined;
}
