import { QueueServiceClient } from "@azure/storage-queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegisteredFunction } from "../../src/extension.js";
import { parseQueueSettings } from "../../src/host-config.js";
import { QueueListener } from "../../src/queue/listener.js";
import { startAzurite, type RunningAzurite } from "../support/azurite.js";
import { capturingSink, waitFor } from "./helpers.js";

const trigger = { type: "queueTrigger", direction: "in" as const, queueName: "long-work" };
const fn: RegisteredFunction = {
  name: "longWork",
  bindings: { message: trigger },
  triggerBindingName: "message",
  trigger,
  callback: () => undefined,
};

let azurite: RunningAzurite;
let service: QueueServiceClient;

beforeAll(async () => {
  azurite = await startAzurite();
  service = QueueServiceClient.fromConnectionString(azurite.connectionString);
});

afterAll(async () => {
  await azurite?.stop();
});

describe("queue message lease", () => {
  it("keeps renewing a message whose function outlives the lease, so it is delivered once and then deleted", async () => {
    const queue = service.getQueueClient("long-work");
    const calls: number[] = [];
    const listener = new QueueListener({
      fn,
      queue,
      poison: service.getQueueClient("long-work-poison"),
      settings: parseQueueSettings({ maxPollingInterval: "00:00:00.2", messageEncoding: "none" }),
      sink: capturingSink(),
      leaseSeconds: 1,
      invoke: async (_value, options) => {
        calls.push(Number(options.triggerMetadata?.dequeueCount));
        // Three lease lengths: without renewal the message would reappear and run again.
        await new Promise((resolve) => setTimeout(resolve, 3_000));
      },
    });
    await listener.start();
    try {
      await queue.sendMessage("slow job");
      await waitFor(() => (calls.length > 0 ? true : undefined));
      // The approximate count includes invisible messages: zero means the message was deleted.
      await waitFor(
        async () =>
          (await queue.getProperties()).approximateMessagesCount === 0 ? true : undefined,
        10_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(calls).toEqual([1]);
    } finally {
      await listener.stop();
    }
  });
});
