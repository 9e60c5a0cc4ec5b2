// The seed's documented API still works, and billing/analytics/OpenAPI answer from the ledger.
import type { Job } from "@wastecompute/contracts";
import {
  InvoiceSchema,
  MarketplaceSummarySchema,
  PricingSchema,
  SustainabilityAnalyticsSchema,
  UsageAnalyticsSchema,
} from "@wastecompute/contracts";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from "vitest";
import { api, jobReaches } from "../support/api-client.js";
import { ScriptedAgent } from "../support/scripted-agent.js";
import { hostOutputTail, startTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let agent: ScriptedAgent;
let settledJobId: string;

beforeAll(async () => {
  stack = await startTestStack();
  agent = await ScriptedAgent.register(stack.apiUrl, stack.keys.seller);
  agent.startHeartbeating(1000);
  // One job through the seed's submit route, run and settled, so billing has something to show.
  const submitted = await api<Job & { job_id: string }>(stack.apiUrl, "POST", "/api/jobs/submit/", {
    key: stack.keys.buyer,
    body: { command: "echo legacy", max_runtime: 60, resource_type: "CPU" },
  });
  expect(submitted.status, submitted.text).toBe(202);
  settledJobId = submitted.body.job_id;
  const message = await agent.nextDispatch();
  await agent.start(message);
  await agent.finish(message, agent.finishBody({ seconds: 10 }));
  await jobReaches(stack.apiUrl, stack.keys.buyer, settledJobId, ["succeeded"]);
});

beforeEach(() => {
  onTestFailed(() => console.error(`host output:\n${hostOutputTail(stack)}`));
});

afterAll(async () => {
  agent?.stopHeartbeating();
  await stack?.stop();
});

describe("the seed's API", () => {
  it("submits with {command, max_runtime, resource_type} and lists history", async () => {
    const history = await api<{ jobs: Job[] }>(stack.apiUrl, "GET", "/api/jobs/history/", {
      key: stack.keys.buyer,
    });
    expect(history.status).toBe(200);
    expect(history.body.jobs.map((j) => j.id)).toContain(settledJobId);
    expect(history.body.jobs[0]?.maxRuntimeSec).toBe(60);
  });

  it("provisions a node and takes its heartbeat by node_id", async () => {
    const provisioned = await api<{ node_id: string; nodeToken: string }>(
      stack.apiUrl,
      "POST",
      "/api/nodes/provision",
      {
        key: stack.keys.seller,
        body: {
          cpu_cores: 4,
          memory_gb: 8,
          gpu_count: 1,
          gpu_model: "T4",
          timezone: "Europe/Berlin",
        },
      },
    );
    expect(provisioned.status, provisioned.text).toBe(201);
    const beat = await api(stack.apiUrl, "POST", "/api/nodes/heartbeat", {
      key: provisioned.body.nodeToken,
      body: { node_id: provisioned.body.node_id, cpu_percent: 12 },
    });
    expect(beat.status, beat.text).toBe(200);
    const wrongNode = await api(stack.apiUrl, "POST", "/api/nodes/heartbeat", {
      key: provisioned.body.nodeToken,
      body: { node_id: agent.nodeId },
    });
    expect(wrongNode.status).toBe(403);
    const nodes = await api<{ items: { id: string }[] }>(stack.apiUrl, "GET", "/api/nodes/", {
      key: stack.keys.seller,
    });
    expect(nodes.body.items.map((n) => n.id)).toContain(provisioned.body.node_id);
  });

  it("answers analytics and billing under the seed's paths with trailing slashes", async () => {
    for (const path of [
      "/api/analytics/usage/",
      "/api/analytics/sustainability/",
      "/api/billing/invoice/",
      "/api/billing/summary/",
    ]) {
      expect((await api(stack.apiUrl, "GET", path, { key: stack.keys.buyer })).status, path).toBe(
        200,
      );
    }
    for (const path of ["/api/analytics/summary/", "/api/billing/pricing/"])
      expect((await api(stack.apiUrl, "GET", path)).status, path).toBe(200);
  });
});

describe("billing and analytics", () => {
  it("invoices the settled job; the totals equal the sum of the lines; CSV on request", async () => {
    const month = new Date().toISOString().slice(0, 7);
    const invoice = await api(stack.apiUrl, "GET", `/api/billing/invoice?month=${month}`, {
      key: stack.keys.buyer,
    });
    const parsed = InvoiceSchema.parse(invoice.body);
    expect(parsed.lines.map((l) => l.jobId)).toEqual([settledJobId]);
    expect(parsed.totals.netMicros).toBe(parsed.lines.reduce((n, l) => n + l.netMicros, 0));
    expect(parsed.totals.netMicros).toBeGreaterThan(0);
    const csv = await api(stack.apiUrl, "GET", `/api/billing/invoice?month=${month}`, {
      key: stack.keys.buyer,
      headers: { accept: "text/csv" },
    });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.text).toContain(settledJobId);
    const bad = await api(stack.apiUrl, "GET", "/api/billing/invoice?month=2026-13", {
      key: stack.keys.buyer,
    });
    expect(bad.status).toBe(400);

    const earnings = await api<{ totals: { earningMicros: number; jobNetMicros: number } }>(
      stack.apiUrl,
      "GET",
      `/api/billing/earnings?month=${month}`,
      {
        key: stack.keys.seller,
      },
    );
    expect(earnings.status).toBe(200);
    expect(earnings.body.totals.earningMicros).toBe(
      Math.round(earnings.body.totals.jobNetMicros * 0.85),
    );
    const summary = await api<{ spentMicros: number; jobs: number }>(
      stack.apiUrl,
      "GET",
      "/api/billing/summary",
      { key: stack.keys.buyer },
    );
    expect(summary.body).toMatchObject({ spentMicros: parsed.totals.netMicros, jobs: 1 });
  });

  it("shows usage, sustainability and public marketplace numbers", async () => {
    const usage = UsageAnalyticsSchema.parse(
      (await api(stack.apiUrl, "GET", "/api/analytics/usage?days=7", { key: stack.keys.buyer }))
        .body,
    );
    expect(usage.days.reduce((n, d) => n + d.jobs, 0)).toBe(1);
    const green = SustainabilityAnalyticsSchema.parse(
      (await api(stack.apiUrl, "GET", "/api/analytics/sustainability", { key: stack.keys.buyer }))
        .body,
    );
    expect(green.totals.energyKwh).toBeGreaterThan(0);
    const summary = MarketplaceSummarySchema.parse(
      (await api(stack.apiUrl, "GET", "/api/analytics/summary")).body,
    );
    expect(summary.jobsRun).toBe(1);
    expect(summary.nodesOnline).toBeGreaterThanOrEqual(1);
    PricingSchema.parse((await api(stack.apiUrl, "GET", "/api/billing/pricing")).body);
  });

  it("serves an OpenAPI document listing every route", async () => {
    const doc = await api<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      stack.apiUrl,
      "GET",
      "/api/openapi.json",
    );
    expect(doc.body.openapi).toBe("3.1.0");
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        "/api/jobs",
        "/api/jobs/{id}",
        "/api/agent/jobs/{id}/finish",
        "/api/nodes/{id}/heartbeat",
      ]),
    );
    expect(doc.body.paths["/api/jobs"]).toHaveProperty("post");
  });
});
