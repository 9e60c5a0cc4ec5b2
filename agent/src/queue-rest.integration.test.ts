// The fetch-based queue client against a real Azurite, with a SAS scoped like the platform's.
import { QueueClient, QueueSASPermissions } from "@azure/storage-queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type RunningAzurite } from "../../devhost/test/support/azurite.js";
import { QueueHttpError, RestQueue, parseMessagesList } from "./queue-rest.js";

let azurite: RunningAzurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(() => azurite?.stop());

async function queueWithSas(name: string, permissions = "rup") {
  const admin = new QueueClient(azurite.connectionString, name);
  await admin.create();
  const sasUrl = await admin.generateSasUrl({
    permissions: QueueSASPermissions.parse(permissions),
    expiresOn: new Date(Date.now() + 600_000),
  });
  return { admin, agent: new RestQueue(sasUrl) };
}

describe("REST queue client", () => {
  it("receives, holds and deletes a message with the pop receipts Azure hands out", async () => {
    const { admin, agent } = await queueWithSas("node-rest-a");
    await admin.sendMessage(Buffer.from('{"kind":"job","x":"<&>"}').toString("base64"));
    const [item] = (await agent.receiveMessages({ numberOfMessages: 1, visibilityTimeout: 30 }))
      .receivedMessageItems;
    expect(item).toBeDefined();
    if (!item) return;
    expect(Buffer.from(item.messageText, "base64").toString()).toBe('{"kind":"job","x":"<&>"}');
    expect(item.dequeueCount).toBe(1);
    expect(
      (await agent.receiveMessages({ numberOfMessages: 1, visibilityTimeout: 30 }))
        .receivedMessageItems,
    ).toEqual([]);
    const updated = await agent.updateMessage(item.messageId, item.popReceipt, undefined, 30);
    expect(updated.popReceipt).toBeTruthy();
    await expect(agent.deleteMessage(item.messageId, item.popReceipt)).rejects.toBeInstanceOf(
      QueueHttpError,
    );
    await agent.deleteMessage(item.messageId, updated.popReceipt ?? "");
    expect((await admin.peekMessages()).peekedMessageItems).toEqual([]);
  });

  it("making a message visible again lets the next receive see it", async () => {
    const { admin, agent } = await queueWithSas("node-rest-b");
    await admin.sendMessage("aGVsbG8=");
    const [item] = (await agent.receiveMessages({ numberOfMessages: 1, visibilityTimeout: 30 }))
      .receivedMessageItems;
    await agent.updateMessage(item?.messageId ?? "", item?.popReceipt ?? "", undefined, 0);
    const [again] = (await agent.receiveMessages({ numberOfMessages: 1, visibilityTimeout: 30 }))
      .receivedMessageItems;
    expect(again?.messageId).toBe(item?.messageId);
    expect(again?.dequeueCount).toBe(2);
  });

  it("a read+process SAS can receive and delete but not update (403), which the poller tolerates", async () => {
    const { admin, agent } = await queueWithSas("node-rest-rp", "rp");
    await admin.sendMessage("aGVsbG8=");
    const [item] = (await agent.receiveMessages({ numberOfMessages: 1, visibilityTimeout: 30 }))
      .receivedMessageItems;
    const refused = await agent
      .updateMessage(item?.messageId ?? "", item?.popReceipt ?? "", undefined, 30)
      .catch((e: unknown) => e);
    expect((refused as QueueHttpError).status).toBe(403);
    await agent.deleteMessage(item?.messageId ?? "", item?.popReceipt ?? "");
    expect((await admin.peekMessages()).peekedMessageItems).toEqual([]);
  });

  it("a SAS for another queue is refused", async () => {
    const { admin } = await queueWithSas("node-rest-c");
    await queueWithSas("node-rest-d");
    const sas = new URL(
      await admin.generateSasUrl({
        permissions: QueueSASPermissions.parse("rp"),
        expiresOn: new Date(Date.now() + 600_000),
      }),
    );
    sas.pathname = sas.pathname.replace("node-rest-c", "node-rest-d");
    const error = await new RestQueue(sas.toString())
      .receiveMessages({ numberOfMessages: 1, visibilityTimeout: 30 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueHttpError);
    expect((error as QueueHttpError).status).toBe(403);
  });

  it("parses an empty list and unescapes message text", () => {
    expect(
      parseMessagesList('<?xml version="1.0"?><QueueMessagesList></QueueMessagesList>'),
    ).toEqual([]);
    expect(
      parseMessagesList(
        "<QueueMessagesList><QueueMessage><MessageId>m1</MessageId><PopReceipt>p/1+</PopReceipt><DequeueCount>3</DequeueCount><MessageText>a&amp;b&lt;</MessageText></QueueMessage></QueueMessagesList>",
      ),
    ).toEqual([{ messageId: "m1", popReceipt: "p/1+", messageText: "a&b<", dequeueCount: 3 }]);
  });
});
