// Per-node dispatch queues `node-<nodeId>`. Messages are base64-encoded JSON, the encoding the
// Functions host and the agent's @azure/storage-queue reader agree on.
import type { DispatchMessage } from "@wastecompute/contracts";
import { queueServiceClient } from "./clients.js";

export async function createNodeQueue(queueName: string): Promise<void> {
  await queueServiceClient().getQueueClient(queueName).createIfNotExists();
}

export async function deleteNodeQueue(queueName: string): Promise<void> {
  await queueServiceClient().getQueueClient(queueName).deleteIfExists();
}

export async function sendDispatchMessage(
  queueName: string,
  message: DispatchMessage,
  ttlSeconds: number,
): Promise<void> {
  const queue = queueServiceClient().getQueueClient(queueName);
  await queue.createIfNotExists();
  const text = Buffer.from(JSON.stringify(message), "utf8").toString("base64");
  await queue.sendMessage(text, { messageTimeToLive: ttlSeconds });
}
