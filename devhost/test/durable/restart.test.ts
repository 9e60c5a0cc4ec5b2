// Restart survival: instances in flight when a host stops resume in a new host on the same task hub.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TaskHubStore } from "../../src/durable/task-hub-store.js";
import { startAzurite, type RunningAzurite } from "../support/azurite.js";
import { startDurableHost, type DurableTestHost } from "./support/durable-host.js";

let azurite: RunningAzurite;
const hosts: DurableTestHost[] = [];

async function newHost(): Promise<DurableTestHost> {
  const host = await startDurableHost(azurite.connectionString, "RestartHub");
  hosts.push(host);
  return host;
}

beforeAll(async () => {
  azurite = await startAzurite();
});

// Each test ends with no host left running, so no two engines share the hub across tests.
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop().catch(() => undefined);
});

afterAll(async () => {
  await azurite?.stop();
});

describe("durable instances across a host restart", () => {
  it("resumes an orchestration waiting for an event and a pending durable timer", async () => {
    const first = await newHost();
    const waiting = await first.start("approval");
    const sleeping = await first.start("sleep", 2_500);
    await first.waitFor(waiting, ["Running"]);
    const asleep = await first.waitFor(sleeping, ["Running"]);
    expect(asleep.runtimeStatus).toBe("Running");
    await first.stop();

    const second = await newHost();
    expect(second.host.url).not.toBe(first.host.url);
    const raised = await second.call(
      `/runtime/webhooks/durabletask/instances/${waiting}/raiseEvent/Approve`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify("after restart"),
      },
    );
    expect(raised.status).toBe(202);
    const approved = await second.waitFor(waiting, ["Completed", "Failed"]);
    expect(approved.output).toEqual({ decision: "after restart" });
    const woke = await second.waitFor(sleeping, ["Completed", "Failed"]);
    const times = woke.output as { started: number; woke: number };
    expect(woke.runtimeStatus).toBe("Completed");
    expect(times.woke - times.started).toBeGreaterThanOrEqual(2_500);
  });

  it("delivers an event that reached the task hub while no host was running", async () => {
    const first = await newHost();
    const waiting = await first.start("approval");
    await first.waitFor(waiting, ["Running"]);
    await first.stop();
    // What a raiseEvent leaves behind before its 202: a persisted inbox row.
    const store = await TaskHubStore.open(azurite.connectionString, "RestartHub");
    await store.addInbox(waiting, {
      kind: "eventRaised",
      name: "Approve",
      input: JSON.stringify(42),
    });
    const second = await newHost();
    const done = await second.waitFor(waiting, ["Completed", "Failed"]);
    expect(done.output).toEqual({ decision: 42 });
  });

  it("runs an activity again when the host stopped before its result was recorded", async () => {
    const first = await newHost();
    const id = await first.start("slow", { n: 21, ms: 1_500 });
    await first.waitFor(id, ["Running"]);
    await first.stop();
    const second = await newHost();
    const done = await second.waitFor(id, ["Completed", "Failed"]);
    expect(done).toMatchObject({ runtimeStatus: "Completed", output: 42 });
  });
});

describe("two hosts sharing one task hub", () => {
  it("completes an instance started on one host from an event raised on the other", async () => {
    const a = await newHost();
    const b = await newHost();
    const id = await a.start("approval");
    await a.waitFor(id, ["Running"]);
    const raised = await b.call(`/api/raise/${id}/Approve`, {
      method: "POST",
      body: JSON.stringify("from b"),
    });
    expect(raised.status).toBe(202);
    const seenByA = await a.waitFor(id, ["Completed", "Failed"]);
    expect(seenByA.output).toEqual({ decision: "from b" });
    const history = (seenByA.history ?? []).map((e) => e.EventType);
    expect(history.filter((e) => e === "EventRaised")).toHaveLength(1);
  });
});
