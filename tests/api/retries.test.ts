// Jobs that cannot run where they were put: no capacity before the queue timeout, and a node
// that stops heartbeating mid-job.
import type { Job } from "@wastecompute/contracts";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from "vitest";
import { listJobLedgerEntries } from "../../functions/store/ledger.js";
import { api, eventually, jobReaches } from "../support/api-client.js";
import { ScriptedAgent } from "../support/scripted-agent.js";
import { hostOutputTail, startTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
const agents: ScriptedAgent[] = [];

beforeAll(async () => {
  stack = await startTestStack({
    env: {
      WC_NODE_STALE_SEC: "3",
      WC_REAPER_SCHEDULE: "*/1 * * * * *",
      WC_PLACEMENT_RETRY_SEC: "1",
      WC_PLACEMENT_RETRY_MAX_SEC: "1",
      WC_QUEUE_ACCESS_TTL_SEC: "8",
      WC_ACCEPT_TIMEOUT_SEC: "3",
      WC_DEADLINE_GRACE_SEC: "1",
    },
  });
});

beforeEach(() => {
  onTestFailed(() => console.error(`host output:\n${hostOutputTail(stack)}`));
});

afterAll(async () => {
  for (const agent of agents) agent.stopHeartbeating();
  await stack?.stop();
});

/** Stops every agent started so far and waits until the platform considers them offline. */
async function retireAgents(): Promise<void> {
  for (const agent of agents) agent.stopHeartbeating();
  await new Promise((r) => setTimeout(r, 4_000));
}

async function agentOnline(name: string): Promise<ScriptedAgent> {
  const agent = await ScriptedAgent.register(stack.apiUrl, stack.keys.seller, { name });
  agent.startHeartbeating(500);
  agents.push(agent);
  return agent;
}

/** The first dispatch either agent receives, without leaving a poll behind that could steal the next. */
async function firstDispatch(candidates: ScriptedAgent[], timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const agent of candidates) {
      const message = await agent.nextDispatch(300).catch(() => undefined);
      if (message !== undefined) return { agent, message };
    }
  }
  throw new Error("no dispatch reached any agent");
}

describe("queue access", () => {
  it("hands a fresh queue SAS to a heartbeating agent before the old one expires", async () => {
    const agent = await ScriptedAgent.register(stack.apiUrl, stack.keys.seller, { name: "sas" });
    agents.push(agent);
    const firstExpiry = Date.parse(agent.queue.expiresAt);
    expect((await agent.heartbeat()).queue).toBeUndefined();
    const refreshed = await eventually(
      async () => (await agent.heartbeat()).queue,
      "a refreshed queue SAS",
      15_000,
      500,
    );
    expect(Date.parse(refreshed.expiresAt)).toBeGreaterThan(firstExpiry);
    expect(refreshed.queueName).toBe(`node-${agent.nodeId}`);
  });
});

describe("placement failures", () => {
  it("expires a job no node can take before its queue timeout, without billing", async () => {
    await agentOnline("small");
    const submitted = await api<Job>(stack.apiUrl, "POST", "/api/jobs", {
      key: stack.keys.buyer,
      body: {
        command: "echo big",
        requirements: { cpuCores: 64, memoryMb: 512 },
        queueTimeoutSec: 2,
      },
    });
    expect(submitted.status).toBe(202);
    const done = await jobReaches(
      stack.apiUrl,
      stack.keys.buyer,
      submitted.body.id,
      ["expired"],
      30_000,
    );
    expect(done.transitions.map((t) => t.status)).toEqual(["queued", "expired"]);
    expect(done.cost).toBeUndefined();
    expect(await listJobLedgerEntries(submitted.body.id)).toEqual([]);
  });

  it("retries a job on another node when its node stops heartbeating, and bills it once", async () => {
    await retireAgents();
    const first = await agentOnline("first");
    const submitted = await api<Job>(stack.apiUrl, "POST", "/api/jobs", {
      key: stack.keys.buyer,
      body: { command: "sleep 5" },
    });
    expect(submitted.status).toBe(202);
    const firstMessage = await first.nextDispatch();
    expect(firstMessage.jobId).toBe(submitted.body.id);
    expect((await first.start(firstMessage)).status).toBe(200);
    await jobReaches(stack.apiUrl, stack.keys.buyer, submitted.body.id, ["running"]);

    const second = await agentOnline("second");
    first.stopHeartbeating();
    const secondMessage = await second.nextDispatch(40_000);
    expect(secondMessage.jobId).toBe(submitted.body.id);
    expect(secondMessage.attempt).toBe(2);
    expect((await second.start(secondMessage)).status).toBe(200);

    // The first node comes back: its lease is stale and its heartbeat tells it to let go.
    const late = await first.finish(firstMessage, first.finishBody());
    expect(late.status).toBe(409);
    const beat = await first.heartbeat();
    expect(beat.control).toContainEqual({
      type: "abandon",
      jobId: submitted.body.id,
      reason: "the job is no longer assigned to this node",
    });

    expect((await second.finish(secondMessage, second.finishBody({ seconds: 4 }))).status).toBe(
      200,
    );
    const done = await jobReaches(stack.apiUrl, stack.keys.buyer, submitted.body.id, ["succeeded"]);
    expect(done.nodeId).toBe(second.nodeId);
    expect(done.attempt).toBe(2);
    expect(done.transitions.map((t) => t.status)).toEqual([
      "queued",
      "placed",
      "running",
      "queued",
      "placed",
      "running",
      "succeeded",
    ]);
    const entries = await eventually(async () => {
      const found = await listJobLedgerEntries(submitted.body.id);
      return found.length >= 3 ? found : undefined;
    }, "ledger entries");
    expect(entries.map((e) => e.kind).sort()).toEqual(["charge", "earning", "fee"]);
    expect(entries.find((e) => e.kind === "earning")?.settlement.nodeId).toBe(second.nodeId);
  });

  it("places a job elsewhere when its node does not start it in time", async () => {
    await retireAgents();
    const [one, two] = [await agentOnline("one"), await agentOnline("two")];
    const submitted = await api<Job>(stack.apiUrl, "POST", "/api/jobs", {
      key: stack.keys.buyer,
      body: { command: "echo ignored" },
    });
    // Whichever node gets it first ignores it; the other one must get attempt 2.
    const first = await firstDispatch([one, two]);
    expect(first.message.jobId).toBe(submitted.body.id);
    expect(first.message.attempt).toBe(1);
    const second = await firstDispatch([one, two]);
    expect(second.message.attempt).toBe(2);
    expect(second.agent).not.toBe(first.agent);
    expect((await second.agent.start(second.message)).status).toBe(200);
    const job = await jobReaches(stack.apiUrl, stack.keys.buyer, submitted.body.id, ["running"]);
    expect(job.transitions.map((t) => t.status)).toEqual([
      "queued",
      "placed",
      "queued",
      "placed",
      "running",
    ]);
    expect(job.transitions[2]!.reason).toContain("did not start");
    expect((await second.agent.finish(second.message, second.agent.finishBody())).status).toBe(200);
    await jobReaches(stack.apiUrl, stack.keys.buyer, submitted.body.id, ["succeeded"]);
  });

  it("declares a job lost when every attempt's node goes silent past its deadline", async () => {
    await retireAgents();
    const only = await agentOnline("only");
    const submitted = await api<Job>(stack.apiUrl, "POST", "/api/jobs", {
      key: stack.keys.buyer,
      body: { command: "sleep 999", maxRuntimeSec: 1 },
    });
    for (const attempt of [1, 2, 3]) {
      const message = await only.nextDispatch(20_000);
      expect(message.jobId).toBe(submitted.body.id);
      expect(message.attempt).toBe(attempt);
      expect((await only.start(message)).status).toBe(200);
    }
    const done = await jobReaches(
      stack.apiUrl,
      stack.keys.buyer,
      submitted.body.id,
      ["lost"],
      30_000,
    );
    expect(done.failureReason).toContain("no attempts left");
    expect(await listJobLedgerEntries(submitted.body.id)).toEqual([]);
  });
});
