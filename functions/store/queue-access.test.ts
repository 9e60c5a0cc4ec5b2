import { QueueClient, QueueServiceClient, type UserDelegationKey } from "@azure/storage-queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type RunningAzurite } from "../../devhost/test/support/azurite.js";
import { createQueueAccessIssuer, DelegationKeyCache, nodeQueueName } from "./queue-access.js";

function statusOf(error: unknown): number | undefined {
  return typeof error === "object" &&
    error !== null &&
    "statusCode" in error &&
    typeof error.statusCode === "number"
    ? error.statusCode
    : undefined;
}

async function refusedWith(action: Promise<unknown>): Promise<number | undefined> {
  try {
    await action;
    return undefined;
  } catch (error) {
    return statusOf(error);
  }
}

/** The same SAS query string pointed at a different queue of the same account. */
function sameSasOnQueue(sasUrl: string, otherQueue: string): string {
  const url = new URL(sasUrl);
  url.pathname = url.pathname.replace(/[^/]+$/, otherQueue);
  return url.toString();
}

describe("queue access for an agent (real Azurite)", () => {
  let azurite: RunningAzurite;
  let service: QueueServiceClient;

  beforeAll(async () => {
    azurite = await startAzurite();
    service = QueueServiceClient.fromConnectionString(azurite.connectionString);
  });

  afterAll(async () => {
    await azurite?.stop();
  });

  it("gives a SAS that receives and deletes on the node's own queue only, and cannot send", async () => {
    await service.createQueue("node-n1");
    const issuer = createQueueAccessIssuer(service, "shared-key");
    const expiresAt = new Date(Date.now() + 10 * 60_000);
    const access = await issuer.issue("n1", expiresAt);

    expect(access.queueName).toBe("node-n1");
    expect(access.mode).toBe("sas");
    expect(access.expiresAt).toBe(expiresAt.toISOString());
    const sasUrl = access.queueUrl ?? "";
    expect(new URL(sasUrl).searchParams.get("sp")).toBe("rup");

    // The platform dispatches with its own credentials.
    await service.getQueueClient("node-n1").sendMessage("job-1");
    await service.createQueue("node-n2");
    await service.getQueueClient("node-n2").sendMessage("job-for-someone-else");

    const agentQueue = new QueueClient(sasUrl);
    const received = await agentQueue.receiveMessages({
      numberOfMessages: 1,
      visibilityTimeout: 30,
    });
    expect(received.receivedMessageItems.map((m) => m.messageText)).toEqual(["job-1"]);
    const [message] = received.receivedMessageItems;
    // A long job keeps its message hidden by extending the visibility timeout.
    const extended = await agentQueue.updateMessage(
      message!.messageId,
      message!.popReceipt,
      undefined,
      60,
    );
    await agentQueue.deleteMessage(message!.messageId, extended.popReceipt!);
    const left = await service.getQueueClient("node-n1").peekMessages({ numberOfMessages: 1 });
    expect(left.peekedMessageItems).toHaveLength(0);

    expect(await refusedWith(agentQueue.sendMessage("forged"))).toBe(403);
    const otherQueue = new QueueClient(sameSasOnQueue(sasUrl, "node-n2"));
    expect(await refusedWith(otherQueue.receiveMessages({ numberOfMessages: 1 }))).toBe(403);
    const stillThere = await service
      .getQueueClient("node-n2")
      .peekMessages({ numberOfMessages: 1 });
    expect(stillThere.peekedMessageItems.map((m) => m.messageText)).toEqual([
      "job-for-someone-else",
    ]);
  });

  it("stops working once it expires", async () => {
    await service.createQueue("node-n3");
    const access = await createQueueAccessIssuer(service, "shared-key").issue(
      "n3",
      new Date(Date.now() - 1_000),
    );
    expect(await refusedWith(new QueueClient(access.queueUrl ?? "").receiveMessages())).toBe(403);
  });
});

describe("nodeQueueName", () => {
  it("prefixes queue-safe ids", () => {
    expect(nodeQueueName("3f2a-9c")).toBe("node-3f2a-9c");
  });

  it.each(["Upper", "under_score", "double--hyphen", "-lead", "x".repeat(59), ""])(
    "refuses %j, which cannot name a storage queue",
    (id) => {
      expect(() => nodeQueueName(id)).toThrow(RangeError);
    },
  );
});

describe("user delegation keys", () => {
  const key = (expiresOn: Date): UserDelegationKey => ({
    signedObjectId: "oid",
    signedTenantId: "tid",
    signedStartsOn: new Date(0),
    signedExpiresOn: expiresOn,
    signedService: "q",
    signedVersion: "2026-02-06",
    value: Buffer.from("k").toString("base64"),
  });

  it("fetches a key once and reuses it for every SAS it covers", async () => {
    const now = new Date("2026-12-01T00:00:00Z");
    const requests: Array<[Date, Date]> = [];
    const cache = new DelegationKeyCache(
      async (startsOn, expiresOn) => {
        requests.push([startsOn, expiresOn]);
        return key(expiresOn);
      },
      () => now,
    );
    await cache.keyCovering(new Date("2026-12-01T01:00:00Z"));
    await cache.keyCovering(new Date("2026-12-03T00:00:00Z"));
    expect(requests).toEqual([
      [new Date("2026-11-30T23:55:00Z"), new Date("2026-12-07T00:00:00Z")],
    ]);
  });

  it("refuses access longer than a delegation key can live", async () => {
    const now = new Date("2026-12-01T00:00:00Z");
    const cache = new DelegationKeyCache(
      async (_s, expiresOn) => key(expiresOn),
      () => now,
    );
    await expect(cache.keyCovering(new Date("2026-12-08T00:00:00Z"))).rejects.toThrow(RangeError);
  });
});
