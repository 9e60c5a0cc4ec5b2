// Durable Functions on devhost, end to end: the fixture app's orchestrations run through the real
// durable-functions replay engine against a real Azurite task hub.
import { odata, TableClient } from "@azure/data-tables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type RunningAzurite } from "../support/azurite.js";
import { startDurableHost, type DurableTestHost } from "./support/durable-host.js";

let azurite: RunningAzurite;
let dh: DurableTestHost;

beforeAll(async () => {
  azurite = await startAzurite();
  dh = await startDurableHost(azurite.connectionString);
});

afterAll(async () => {
  await dh?.stop();
  await azurite?.stop();
});

const post = (path: string, body?: unknown): Promise<Response> =>
  dh.call(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? "" : JSON.stringify(body),
  });

describe("durable orchestrations on devhost", () => {
  it("runs an activity chain started by an HTTP starter through df.getClient", async () => {
    const response = await dh.call("/api/start/chain", { method: "POST", body: "5" });
    expect(response.status).toBe(202);
    const links = (await response.json()) as { id: string; statusQueryGetUri: string };
    expect(links.statusQueryGetUri).toContain(
      `${dh.host.url}/runtime/webhooks/durabletask/instances/${links.id}`,
    );
    const done = await dh.waitFor(links.id, ["Completed", "Failed"]);
    expect(done).toMatchObject({ runtimeStatus: "Completed", output: 20, input: 5, name: "chain" });
    const viaStatusUri = await fetch(links.statusQueryGetUri);
    expect(viaStatusUri.status).toBe(200);
    const names = (done.history ?? []).map((e) => `${e.EventType}:${e.FunctionName ?? ""}`);
    expect(names).toEqual([
      "ExecutionStarted:chain",
      "TaskCompleted:double",
      "TaskCompleted:double",
      "ExecutionCompleted:",
    ]);
  });

  it("answers 202 while running, 404 for unknown instances and 409 for a duplicate running id", async () => {
    const id = await dh.start("approval", undefined, "dup-check");
    const running = await dh.waitFor(id, ["Running"]);
    expect(running.runtimeStatus).toBe("Running");
    expect((await dh.status(id)).code).toBe(202);
    expect((await dh.status("no-such-instance")).code).toBe(404);
    const again = await dh.call("/runtime/webhooks/durabletask/orchestrators/approval/dup-check", {
      method: "POST",
      body: "",
    });
    expect(again.status).toBe(409);
    const unknown = await dh.call("/runtime/webhooks/durabletask/orchestrators/nope", {
      method: "POST",
      body: "",
    });
    expect(unknown.status).toBe(400);
    expect((await post(`/api/raise/${id}/Approve`, "yes")).status).toBe(202);
    expect(await dh.waitFor(id, ["Completed"])).toMatchObject({ output: { decision: "yes" } });
    // Raising an event on a finished instance is accepted by the client (410 from the API).
    const gone = await post(
      `/runtime/webhooks/durabletask/instances/${id}/raiseEvent/Approve`,
      "late",
    );
    expect(gone.status).toBe(410);
    const missing = await post(
      `/runtime/webhooks/durabletask/instances/missing/raiseEvent/Approve`,
      "x",
    );
    expect(missing.status).toBe(404);
  });

  it("retries a failing activity with backoff until it succeeds", async () => {
    const key = `succeed-${Date.now()}`;
    const started = Date.now();
    const id = await dh.start("withRetry", {
      key,
      failTimes: 2,
      firstRetryMs: 200,
      maxAttempts: 4,
    });
    const done = await dh.waitFor(id, ["Completed", "Failed"]);
    expect(done).toMatchObject({ runtimeStatus: "Completed", output: "ok after 3" });
    // 200 ms, then 400 ms (backoff coefficient 2) between the three attempts.
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    const attempts = (await (await dh.call(`/api/attempts/${key}`)).json()) as { attempts: number };
    expect(attempts.attempts).toBe(3);
  });

  it("fails the orchestration once the retry attempts are used up", async () => {
    const key = `exhaust-${Date.now()}`;
    const id = await dh.start("withRetry", {
      key,
      failTimes: 10,
      firstRetryMs: 100,
      maxAttempts: 2,
    });
    const done = await dh.waitFor(id, ["Completed", "Failed"]);
    expect(done.runtimeStatus).toBe("Failed");
    expect(String(done.output)).toContain("flaky failed on attempt 2");
    const attempts = (await (await dh.call(`/api/attempts/${key}`)).json()) as { attempts: number };
    expect(attempts.attempts).toBe(2);
  });

  it("keeps sequence numbers aligned when retried activities fail inside a fan-out", async () => {
    const id = await dh.start("retryFanOut", { prefix: `fan-${Date.now()}` });
    const done = await dh.waitFor(id, ["Completed", "Failed"]);
    expect(done.output).toEqual({
      results: ["ok after 2", "ok after 2", "ok after 2", 10],
      after: 100,
    });
  });

  it("counts a task yielded again inside a later Task.all once", async () => {
    const id = await dh.start("anyThenAll");
    const done = await dh.waitFor(id, ["Completed", "Failed"]);
    expect(done.output).toEqual({ first: 2, both: [2, 4], last: 200 });
  });

  it("runs sub-orchestrations and reports a failing child to its parent", async () => {
    const id = await dh.start("parent");
    const done = await dh.waitFor(id, ["Completed", "Failed"]);
    expect(done.runtimeStatus).toBe("Completed");
    const output = done.output as { child: number; named: number; error: string };
    expect(output).toMatchObject({ child: 28, named: 4 });
    expect(output.error).toContain("orchestrator exploded");
    const named = await dh.status(`${id}-named`);
    expect(named.body).toMatchObject({ runtimeStatus: "Completed", output: 4, name: "chain" });
  });

  it("stores inputs larger than one table property", async () => {
    const big = { blob: "y".repeat(100_000) };
    const id = await dh.start("approval", big);
    const running = await dh.waitFor(id, ["Running"]);
    expect(running.input).toEqual(big);
    await post(`/api/raise/${id}/Approve`, big);
    const done = await dh.waitFor(id, ["Completed", "Failed"]);
    expect(done.output).toEqual({ decision: big });
  });

  it("fires a durable timer no earlier than its fire time", async () => {
    const id = await dh.start("sleep", 1_200);
    const done = await dh.waitFor(id, ["Completed", "Failed"]);
    const output = done.output as { started: number; woke: number };
    expect(done.runtimeStatus).toBe("Completed");
    expect(output.woke - output.started).toBeGreaterThanOrEqual(1_200);
  });

  it("lets an external event win a race against a timer", async () => {
    const id = await dh.start("race", 10_000);
    await dh.waitFor(id, ["Running"]);
    expect((await post(`/api/raise/${id}/Go`, { by: "test" })).status).toBe(202);
    const done = await dh.waitFor(id, ["Completed", "Failed"], 5_000);
    expect(done.output).toEqual({ winner: "event", payload: { by: "test" } });
  });

  it("lets the timer win the race when no event arrives", async () => {
    const id = await dh.start("race", 1_000);
    const done = await dh.waitFor(id, ["Completed", "Failed"]);
    expect(done.output).toEqual({ winner: "timer" });
  });

  it("fans out activities and fans in with Task.all", async () => {
    const id = await dh.start("fanOut", 20);
    const done = await dh.waitFor(id, ["Completed", "Failed"]);
    // 2 * (1 + ... + 20)
    expect(done).toMatchObject({ runtimeStatus: "Completed", output: 420 });
  });

  it("keeps a long history in history rows once it outgrows the instance row", async () => {
    const id = await dh.start("fanOut", 150);
    const done = await dh.waitFor(id, ["Completed", "Failed"]);
    // 2 * (1 + ... + 150)
    expect(done).toMatchObject({ runtimeStatus: "Completed", output: 22_650 });
    const completed = (done.history ?? []).filter((e) => e.EventType === "TaskCompleted");
    expect(completed).toHaveLength(150);
    const table = TableClient.fromConnectionString(azurite.connectionString, "FixtureHub", {
      allowInsecureConnection: true,
    });
    let historyRows = 0;
    const filter = odata`PartitionKey eq ${id} and RowKey ge ${"h|"} and RowKey lt ${"h}"}`;
    for await (const row of table.listEntities({ queryOptions: { filter } }))
      historyRows += row.rowKey === undefined ? 0 : 1;
    expect(historyRows).toBeGreaterThan(0);
  });

  it("shows custom status through the client's getStatus", async () => {
    const id = await dh.start("staged");
    await dh.waitFor(id, ["Running"]);
    const waiting = async (): Promise<unknown> =>
      ((await (await dh.call(`/api/status/${id}`)).json()) as { customStatus: unknown })
        .customStatus;
    expect(await waiting()).toEqual({ stage: "waiting" });
    await post(`/api/raise/${id}/Continue`);
    const done = await dh.waitFor(id, ["Completed"]);
    expect(done.customStatus).toEqual({ stage: "done" });
    expect(done.output).toBe("finished");
  });

  it("continues as new with a fresh history until the loop ends", async () => {
    const id = await dh.start("countTo", { n: 0, target: 3 });
    const done = await dh.waitFor(id, ["Completed", "Failed"]);
    expect(done).toMatchObject({
      runtimeStatus: "Completed",
      output: 3,
      input: { n: 3, target: 3 },
    });
    const events = (done.history ?? []).map((e) => e.EventType);
    expect(events.filter((e) => e === "ExecutionStarted")).toHaveLength(1);
  });

  it("records an orchestrator exception as Failed", async () => {
    const id = await dh.start("explode");
    const done = await dh.waitFor(id, ["Completed", "Failed"]);
    expect(done.runtimeStatus).toBe("Failed");
    expect(String(done.output)).toContain("orchestrator exploded");
  });

  it("terminates a running instance through the client", async () => {
    const id = await dh.start("approval");
    await dh.waitFor(id, ["Running"]);
    expect((await post(`/api/terminate/${id}`)).status).toBe(202);
    const done = await dh.waitFor(id, ["Terminated"]);
    expect(done.output).toBe("stopped by test");
  });

  it("suspends an instance, holds its events, and resumes it", async () => {
    const id = await dh.start("approval");
    await dh.waitFor(id, ["Running"]);
    const base = `/runtime/webhooks/durabletask/instances/${id}`;
    expect((await dh.call(`${base}/suspend?reason=hold`, { method: "POST" })).status).toBe(202);
    await dh.waitFor(id, ["Suspended"]);
    expect((await post(`${base}/raiseEvent/Approve`, "while suspended")).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await dh.status(id)).body?.runtimeStatus).toBe("Suspended");
    expect((await dh.call(`${base}/resume?reason=go`, { method: "POST" })).status).toBe(202);
    const done = await dh.waitFor(id, ["Completed", "Failed"]);
    expect(done.output).toEqual({ decision: "while suspended" });
  });

  it("purges finished instances by creation time and status", async () => {
    const from = new Date().toISOString();
    const first = await dh.start("chain", 3);
    const second = await dh.start("chain", 4);
    await dh.waitFor(first, ["Completed"]);
    await dh.waitFor(second, ["Completed"]);
    const response = await dh.call(
      `/runtime/webhooks/durabletask/instances/?createdTimeFrom=${from}&runtimeStatus=Completed`,
      {
        method: "DELETE",
      },
    );
    expect(response.status).toBe(200);
    expect(
      ((await response.json()) as { instancesDeleted: number }).instancesDeleted,
    ).toBeGreaterThanOrEqual(2);
    expect((await dh.status(first)).code).toBe(404);
    expect((await dh.status(second)).code).toBe(404);
  });

  it("purges a finished instance and refuses to purge a running one", async () => {
    const id = await dh.start("chain", 1);
    await dh.waitFor(id, ["Completed"]);
    const running = await dh.start("approval");
    await dh.waitFor(running, ["Running"]);
    const refused = await dh.call(`/runtime/webhooks/durabletask/instances/${running}`, {
      method: "DELETE",
    });
    expect(refused.status).toBe(412);
    const purged = (await (await dh.call(`/api/purge/${id}`, { method: "DELETE" })).json()) as {
      instancesDeleted: number;
    };
    expect(purged.instancesDeleted).toBe(1);
    expect((await dh.status(id)).code).toBe(404);
  });

  it("queries instances by runtime status with paging", async () => {
    const from = Date.now() - 1;
    const done = await dh.start("chain", 2);
    await dh.waitFor(done, ["Completed"]);
    const waiting = await dh.start("approval");
    await dh.waitFor(waiting, ["Running"]);
    const completed = (await (
      await dh.call(`/api/query?status=Completed&from=${from}`)
    ).json()) as { instanceId: string }[];
    const ids = completed.map((s) => s.instanceId);
    expect(ids).toContain(done);
    expect(ids).not.toContain(waiting);
    const running = (await (await dh.call(`/api/query?status=Running&from=${from}`)).json()) as {
      instanceId: string;
    }[];
    expect(running.map((s) => s.instanceId)).toContain(waiting);
    // One per page: the client follows x-ms-continuation-token to the end.
    const firstPage = await dh.call(`/runtime/webhooks/durabletask/instances/?top=1`);
    expect(((await firstPage.json()) as unknown[]).length).toBe(1);
    expect(firstPage.headers.get("x-ms-continuation-token")).toBeTruthy();
  });
});
