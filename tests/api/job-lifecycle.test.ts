// The core flow through devhost + Azurite + the Cosmos server, with a scripted agent.
import type { Job, JobLogSlice } from "@wastecompute/contracts";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from "vitest";
import { listJobLedgerEntries } from "../../functions/store/ledger.js";
import { api, jobReaches } from "../support/api-client.js";
import { ScriptedAgent } from "../support/scripted-agent.js";
import { hostOutputTail, startTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let agent: ScriptedAgent;

beforeAll(async () => {
  stack = await startTestStack({
    env: { WC_ACCEPT_TIMEOUT_SEC: "20", WC_PLACEMENT_RETRY_SEC: "1" },
  });
  agent = await ScriptedAgent.register(stack.apiUrl, stack.keys.seller);
  agent.startHeartbeating(1000);
});

beforeEach(() => {
  onTestFailed(() => console.error(`host output:\n${hostOutputTail(stack)}`));
});

afterAll(async () => {
  agent?.stopHeartbeating();
  await stack?.stop();
});

const submit = (body: unknown, headers: Record<string, string> = {}) =>
  api<Job>(stack.apiUrl, "POST", "/api/jobs", { key: stack.keys.buyer, body, headers });

describe("a job's life", () => {
  it("runs a submitted job on a node, shows its output to the buyer, and bills it once", async () => {
    const submitted = await submit({
      command: "echo hello",
      requirements: { cpuCores: 2, memoryMb: 512 },
      env: { SECRET_TOKEN: "s3cret" },
    });
    expect(submitted.status, submitted.text).toBe(202);
    expect(submitted.body.status).toBe("queued");
    expect(submitted.body.envNames).toEqual(["SECRET_TOKEN"]);
    expect(submitted.text).not.toContain("s3cret");

    const message = await agent.nextDispatch();
    expect(message.jobId).toBe(submitted.body.id);
    expect(message.env).toEqual({ SECRET_TOKEN: "s3cret" });
    expect(message.leaseToken.startsWith("wcl_")).toBe(true);
    expect(
      (await jobReaches(stack.apiUrl, stack.keys.buyer, message.jobId, ["placed", "running"]))
        .nodeId,
    ).toBe(agent.nodeId);

    const started = await agent.start(message);
    expect(started.status, await started.clone().text()).toBe(200);
    await jobReaches(stack.apiUrl, stack.keys.buyer, message.jobId, ["running"]);

    expect((await agent.appendLog(message, 0, "hello\n")).status).toBe(200);
    const duplicate = await agent.appendLog(message, 0, "hello\n");
    expect(await duplicate.json()).toEqual({ storedBytes: 6 });
    const gap = await agent.appendLog(message, 100, "late");
    expect(gap.status).toBe(409);
    expect(((await gap.json()) as { storedBytes: number }).storedBytes).toBe(6);
    const logs = await api<JobLogSlice>(
      stack.apiUrl,
      "GET",
      `/api/jobs/${message.jobId}/logs?offset=0`,
      { key: stack.keys.buyer },
    );
    expect(logs.body.data).toBe("hello\n");
    expect(logs.body.nextOffset).toBe(6);
    expect(logs.body.complete).toBe(false);

    const artifact = await agent.putArtifact(
      message,
      "result.txt",
      Buffer.from("42\n"),
      "text/plain",
    );
    expect(artifact.status).toBe(201);
    const traversal = await agent.putArtifact(message, "..", Buffer.from("x"));
    expect([400, 404]).toContain(traversal.status);
    const artifacts = await api<{ items: { name: string; sizeBytes: number; url: string }[] }>(
      stack.apiUrl,
      "GET",
      `/api/jobs/${message.jobId}/artifacts`,
      {
        key: stack.keys.buyer,
      },
    );
    expect(artifacts.body.items).toEqual([
      expect.objectContaining({ name: "result.txt", sizeBytes: 3 }),
    ]);
    const download = await fetch(artifacts.body.items[0]!.url, {
      headers: { authorization: `Bearer ${stack.keys.buyer}` },
    });
    expect(await download.text()).toBe("42\n");

    const report = agent.finishBody({ seconds: 3, logBytes: 6 });
    const finished = await agent.finish(message, report);
    expect(finished.status).toBe(200);
    const done = await jobReaches(stack.apiUrl, stack.keys.buyer, message.jobId, [
      "succeeded",
      "failed",
      "lost",
    ]);
    expect(done.status).toBe("succeeded");
    expect(done.exitCode).toBe(0);
    expect(done.cost?.grossMicros).toBeGreaterThan(0);
    expect(done.carbon?.energyKwh).toBeGreaterThan(0);
    expect(done.logBytes).toBe(6);
    expect(done.transitions.map((t) => t.status)).toEqual([
      "queued",
      "placed",
      "running",
      "succeeded",
    ]);

    // A second, identical finish is harmless and bills nothing more.
    const again = await agent.finish(message, report);
    expect(again.status).toBe(200);
    const entries = await listJobLedgerEntries(message.jobId);
    expect(entries.map((e) => e.kind).sort()).toEqual(["charge", "earning", "fee"]);
    const amount = (kind: string) => entries.find((e) => e.kind === kind)!.amountMicros;
    expect(amount("earning") + amount("fee")).toBe(amount("charge"));
    expect(amount("charge")).toBe(done.cost?.netMicros);

    const finalLogs = await api<JobLogSlice>(
      stack.apiUrl,
      "GET",
      `/api/jobs/${message.jobId}/logs?offset=6`,
      { key: stack.keys.buyer },
    );
    expect(finalLogs.body.complete).toBe(true);
    const stream = await fetch(`${stack.apiUrl}/api/jobs/${message.jobId}/logs/stream`, {
      headers: { authorization: `Bearer ${stack.keys.buyer}` },
    });
    expect(await stream.text()).toBe("hello\n");
  });

  it("refuses a stale lease with 409 and another node's token with 404", async () => {
    const submitted = await submit({ command: "sleep 1" });
    const message = await agent.nextDispatch();
    expect(message.jobId).toBe(submitted.body.id);
    const stale = await agent.call(
      "POST",
      `/api/agent/jobs/${message.jobId}/start`,
      { attempt: message.attempt },
      "wcl_not-the-lease-at-all",
    );
    expect(stale.status).toBe(409);
    const other = await ScriptedAgent.register(stack.apiUrl, stack.keys.seller, { name: "other" });
    const foreign = await other.call(
      "POST",
      `/api/agent/jobs/${message.jobId}/start`,
      { attempt: message.attempt },
      message.leaseToken,
    );
    expect(foreign.status).toBe(404);
    expect((await agent.start(message)).status).toBe(200);
    expect((await agent.finish(message, agent.finishBody())).status).toBe(200);
    await jobReaches(stack.apiUrl, stack.keys.buyer, message.jobId, ["succeeded"]);
    // Once removed, the other node's token no longer works.
    expect(
      (await api(stack.apiUrl, "DELETE", `/api/nodes/${other.nodeId}`, { key: stack.keys.seller }))
        .status,
    ).toBe(204);
    expect((await other.heartbeat().catch((e: Error) => e.message)).toString()).toContain("401");
  });

  it("cancels a running job: the agent is told by heartbeat, and the job ends cancelled", async () => {
    const submitted = await submit({ command: "sleep 100" });
    const message = await agent.nextDispatch();
    expect((await agent.start(message)).status).toBe(200);
    await jobReaches(stack.apiUrl, stack.keys.buyer, submitted.body.id, ["running"]);
    const cancel = await api(stack.apiUrl, "POST", `/api/jobs/${submitted.body.id}/cancel`, {
      key: stack.keys.buyer,
    });
    expect(cancel.status).toBe(202);
    const again = await api(stack.apiUrl, "POST", `/api/jobs/${submitted.body.id}/cancel`, {
      key: stack.keys.buyer,
    });
    expect(again.status).toBe(202);
    await expect
      .poll(async () => (await agent.heartbeat()).control, { timeout: 20_000, interval: 300 })
      .toContainEqual({ type: "cancel", jobId: message.jobId, reason: "cancelled by the buyer" });
    expect(
      (
        await agent.finish(
          message,
          agent.finishBody({ outcome: "cancelled", exitCode: null, signal: "SIGTERM" }),
        )
      ).status,
    ).toBe(200);
    const done = await jobReaches(stack.apiUrl, stack.keys.buyer, submitted.body.id, ["cancelled"]);
    expect(done.signal).toBe("SIGTERM");
    const late = await api(stack.apiUrl, "POST", `/api/jobs/${submitted.body.id}/cancel`, {
      key: stack.keys.buyer,
    });
    expect(late.status).toBe(409);
  });

  it("drains a node on the seller's request and refuses to remove it while it holds a job", async () => {
    const extra = await ScriptedAgent.register(stack.apiUrl, stack.keys.seller, {
      name: "drainable",
    });
    const drained = await api<{ status: string }>(
      stack.apiUrl,
      "POST",
      `/api/nodes/${extra.nodeId}/drain`,
      { key: stack.keys.seller },
    );
    expect(drained.status).toBe(200);
    expect(drained.body.status).toBe("draining");
    expect((await extra.heartbeat()).control).toContainEqual({ type: "drain" });
    const submitted = await submit({ command: "sleep 1" });
    const message = await agent.nextDispatch();
    expect(message.jobId).toBe(submitted.body.id);
    const busy = await api(stack.apiUrl, "DELETE", `/api/nodes/${agent.nodeId}`, {
      key: stack.keys.seller,
    });
    expect(busy.status).toBe(409);
    await agent.start(message);
    await agent.finish(message, agent.finishBody());
    await jobReaches(stack.apiUrl, stack.keys.buyer, submitted.body.id, ["succeeded"]);
    expect(
      (await api(stack.apiUrl, "DELETE", `/api/nodes/${extra.nodeId}`, { key: stack.keys.seller }))
        .status,
    ).toBe(204);
  });

  it("settles a job whose finish arrives while the platform is still recording its start", async () => {
    // Each round sends finish right behind start, so the finished event lands while the
    // orchestration runs markRunning; it must still win the wait that follows.
    for (let round = 0; round < 3; round++) {
      const submitted = await submit({ command: `echo round ${round}` });
      const message = await agent.nextDispatch();
      expect(message.jobId).toBe(submitted.body.id);
      expect((await agent.start(message)).status).toBe(200);
      expect((await agent.finish(message, agent.finishBody())).status).toBe(200);
      await jobReaches(stack.apiUrl, stack.keys.buyer, submitted.body.id, ["succeeded"]);
    }
  });

  it("returns the same job for a repeated Idempotency-Key and refuses it with another body", async () => {
    const key = { "idempotency-key": "order-42" };
    const first = await submit({ command: "echo once" }, key);
    const second = await submit({ command: "echo once" }, key);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.id).toBe(first.body.id);
    const different = await submit({ command: "echo twice" }, key);
    expect(different.status).toBe(422);
    const message = await agent.nextDispatch();
    expect(message.jobId).toBe(first.body.id);
    await agent.start(message);
    await agent.finish(message, agent.finishBody());
    await jobReaches(stack.apiUrl, stack.keys.buyer, first.body.id, ["succeeded"]);
  });
});
