// The task hub store against a real Azurite: what a commit returns must be usable for the next one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newExecution } from "../../src/durable/episode.js";
import { history } from "../../src/durable/history.js";
import { TaskHubStore } from "../../src/durable/task-hub-store.js";
import { startAzurite, type RunningAzurite } from "../support/azurite.js";

let azurite: RunningAzurite;
let store: TaskHubStore;

beforeAll(async () => {
  azurite = await startAzurite();
  store = await TaskHubStore.open(azurite.connectionString, "StoreTestHub");
});

afterAll(async () => {
  await azurite?.stop();
});

describe("TaskHubStore.commit", () => {
  it("returns the instance row's new ETag from a transaction, so the next episode commits without a conflict", async () => {
    const at = new Date("2026-01-01T00:00:00.000Z");
    const record = newExecution(
      { instanceId: "etag-1", name: "orch", createdTime: at.toISOString() },
      undefined,
      "x1",
      at,
    );
    const started = [history.orchestratorStarted(at.toISOString())];
    const created = await store.commit({
      record,
      etag: undefined,
      history: { executionId: "x1", startIndex: 0, events: started, all: started },
      deleteInbox: [],
      addInbox: [],
    });
    const inboxKey = await store.addInbox("etag-1", {
      kind: "eventRaised",
      name: "go",
      input: undefined,
    });

    // Deleting the consumed inbox row makes this commit a transaction.
    const second = await store.commit({
      record,
      etag: created.etag,
      history: { executionId: "x1", startIndex: 1, events: [], all: started },
      deleteInbox: [inboxKey],
      addInbox: [],
    });
    expect(second.etag).not.toBe("");

    // A plain update with that ETag: a wrong one would be refused with 412 (StaleInstanceError).
    const third = await store.commit({
      record,
      etag: second.etag,
      history: { executionId: "x1", startIndex: 1, events: [], all: started },
      deleteInbox: [],
      addInbox: [],
    });
    expect((await store.readInstance("etag-1"))?.etag).toBe(third.etag);
    expect(await store.readInbox("etag-1")).toEqual([]);
  });
});
