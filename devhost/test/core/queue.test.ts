import { QueueServiceClient } from "@azure/storage-queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHost, type RunningHost } from "../../src/host.js";
import { startAzurite, type RunningAzurite } from "../support/azurite.js";
import { capturingSink, fixture, waitFor, type CapturingSink } from "./helpers.js";

interface Seen {
  fn: string;
  message: unknown;
  metadata: Record<string, unknown>;
  at?: number;
}

const seen = (): Seen[] =>
  ((globalThis as { __devhostQueueSeen?: Seen[] }).__devhostQueueSeen ??= []);
const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

let azurite: RunningAzurite;
let host: RunningHost;
let service: QueueServiceClient;
let logs: CapturingSink;

beforeAll(async () => {
  azurite = await startAzurite();
  service = QueueServiceClient.fromConnectionString(azurite.connectionString);
  logs = capturingSink();
  host = await startHost({
    appDir: fixture("queue-app"),
    port: 0,
    logger: logs,
    env: { QueueConnection: azurite.connectionString },
  });
});

afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
});

describe("queue trigger", () => {
  it("creates the trigger queue and invokes the function with the parsed JSON body and metadata", async () => {
    const queue = service.getQueueClient("work-items");
    expect(await queue.exists()).toBe(true);
    const sent = await queue.sendMessage(base64(JSON.stringify({ job: 7, tags: ["a"] })));
    const hit = await waitFor(() =>
      seen().find((s) => s.fn === "queueEcho" && s.metadata.id === sent.messageId),
    );
    expect(hit.message).toEqual({ job: 7, tags: ["a"] });
    expect(hit.metadata).toMatchObject({
      dequeueCount: 1,
      queueTrigger: JSON.stringify({ job: 7, tags: ["a"] }),
    });
    for (const key of ["insertionTime", "expirationTime", "nextVisibleTime"]) {
      expect(Number.isNaN(Date.parse(String(hit.metadata[key])))).toBe(false);
    }
    expect(typeof hit.metadata.popReceipt).toBe("string");
    // A successfully processed message is deleted.
    await waitFor(async () =>
      (await queue.peekMessages()).peekedMessageItems.length === 0 ? true : undefined,
    );
  });

  it("decodes base64 text and hands non-JSON text over as a string", async () => {
    const queue = service.getQueueClient("work-items");
    const sent = await queue.sendMessage(base64("plain words"));
    const hit = await waitFor(() => seen().find((s) => s.metadata.id === sent.messageId));
    expect(hit.message).toBe("plain words");
  });

  it("moves a message that is not base64 to the poison queue without invoking the function", async () => {
    const queue = service.getQueueClient("work-items");
    const sent = await queue.sendMessage("not base64!");
    const poison = service.getQueueClient("work-items-poison");
    const poisoned = await waitFor(async () => {
      if (!(await poison.exists())) return undefined;
      const items = (await poison.peekMessages({ numberOfMessages: 32 })).peekedMessageItems;
      return items.find((m) => m.messageText === "not base64!");
    });
    expect(poisoned.messageText).toBe("not base64!");
    expect(seen().some((s) => s.metadata.id === sent.messageId)).toBe(false);
  });

  it("retries a failing message after visibilityTimeout and moves it to <queue>-poison after maxDequeueCount tries", async () => {
    const queue = service.getQueueClient("always-fails");
    const sent = await queue.sendMessage(base64("doomed"));
    const poison = service.getQueueClient("always-fails-poison");
    const poisoned = await waitFor(async () => {
      if (!(await poison.exists())) return undefined;
      return (await poison.peekMessages()).peekedMessageItems[0];
    }, 20_000);
    expect(Buffer.from(poisoned.messageText, "base64").toString()).toBe("doomed");
    const attempts = seen().filter(
      (s) => s.fn === "queueAlwaysFails" && s.metadata.id === sent.messageId,
    );
    expect(attempts.map((a) => a.metadata.dequeueCount)).toEqual([1, 2]);
    // The second try waited for the 1 s visibility timeout after the first failure.
    expect(attempts[1]!.at! - attempts[0]!.at!).toBeGreaterThanOrEqual(900);
    // The copy lands in poison just before the original is deleted and the move is logged.
    await waitFor(async () =>
      (await queue.peekMessages()).peekedMessageItems.length === 0 ? true : undefined,
    );
    await waitFor(() =>
      logs.records.find(
        (r) =>
          r.level === "warning" &&
          r.message.includes("Moving message to queue 'always-fails-poison'"),
      ),
    );
  });

  it("runs a batch in parallel but never more than batchSize + newBatchThreshold at once", async () => {
    const stats = ((
      globalThis as { __devhostQueueConcurrency?: { max: number; done: number } }
    ).__devhostQueueConcurrency ??= {
      max: 0,
      done: 0,
    });
    const queue = service.getQueueClient("slow-items");
    await Promise.all(Array.from({ length: 14 }, (_, i) => queue.sendMessage(base64(`m${i}`))));
    await waitFor(() => (stats.done >= 14 ? true : undefined), 20_000);
    // host.json: batchSize 4, so newBatchThreshold defaults to 2 and at most 6 run together.
    expect(stats.max).toBeGreaterThanOrEqual(4);
    expect(stats.max).toBeLessThanOrEqual(6);
  });

  it("sends return and extra queue output bindings, base64-encoded, one message per array item", async () => {
    await service.getQueueClient("forward-in").sendMessage(base64(JSON.stringify({ n: 1 })));
    const out = service.getQueueClient("forward-out");
    const forwarded = await waitFor(async () => {
      if (!(await out.exists())) return undefined;
      return (await out.receiveMessages()).receivedMessageItems[0];
    });
    expect(JSON.parse(Buffer.from(forwarded.messageText, "base64").toString())).toEqual({
      forwarded: { n: 1 },
    });
    const audit = service.getQueueClient("forward-audit");
    const notes = await waitFor(async () => {
      const items = (await audit.peekMessages({ numberOfMessages: 10 })).peekedMessageItems;
      return items.length >= 2 ? items : undefined;
    });
    expect(notes.map((m) => Buffer.from(m.messageText, "base64").toString()).sort()).toEqual([
      "first note",
      "second note",
    ]);
  });
});
