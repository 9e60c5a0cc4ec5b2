// Who may call what: every endpoint against every kind of caller.
import type { Job } from "@wastecompute/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api-client.js";
import { ScriptedAgent } from "../support/scripted-agent.js";
import { startTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let agent: ScriptedAgent;
let jobId: string;
let otherBuyerKey: string;
let revokedKey: string;

type Caller = "anonymous" | "buyer" | "seller" | "admin" | "node" | "revoked";
const CALLERS: Caller[] = ["anonymous", "buyer", "seller", "admin", "node", "revoked"];

interface Case {
  method: string;
  path: () => string;
  body?: unknown | (() => unknown);
  headers?: Record<string, string>;
  /** Callers that get past authorisation; every other caller gets 401 or 403. */
  allowed: Caller[];
}

const job = () => ({ command: "echo matrix" });
const CASES: Case[] = [
  { method: "GET", path: () => "/api/health", allowed: CALLERS },
  { method: "GET", path: () => "/api/openapi.json", allowed: CALLERS },
  { method: "GET", path: () => "/api/billing/pricing", allowed: CALLERS },
  { method: "GET", path: () => "/api/analytics/summary", allowed: CALLERS },
  { method: "GET", path: () => "/api/me", allowed: ["buyer", "seller", "admin"] },
  {
    method: "POST",
    path: () => "/api/accounts",
    body: { name: "x", email: "x@example.test", roles: ["buyer"] },
    allowed: ["admin"],
  },
  { method: "POST", path: () => `/api/accounts/${stack.accounts.buyer}/keys`, allowed: ["admin"] },
  {
    method: "DELETE",
    path: () => `/api/accounts/${stack.accounts.buyer}/keys/nokey`,
    allowed: ["admin"],
  },
  { method: "POST", path: () => "/api/jobs", body: job(), allowed: ["buyer"] },
  { method: "GET", path: () => "/api/jobs", allowed: ["buyer"] },
  { method: "GET", path: () => `/api/jobs/${jobId}`, allowed: ["buyer"] },
  { method: "GET", path: () => `/api/jobs/${jobId}/logs`, allowed: ["buyer"] },
  { method: "GET", path: () => `/api/jobs/${jobId}/artifacts`, allowed: ["buyer"] },
  { method: "POST", path: () => `/api/jobs/${jobId}/cancel`, allowed: ["buyer"] },
  { method: "GET", path: () => "/api/nodes", allowed: ["buyer", "seller", "admin"] },
  { method: "POST", path: () => `/api/nodes/${agent.nodeId}/drain`, allowed: ["seller"] },
  {
    method: "POST",
    path: () => `/api/nodes/${agent.nodeId}/heartbeat`,
    body: { utilisation: { cpuPercent: 1, memoryUsedMb: 1 }, runningJobIds: [], state: "idle" },
    allowed: ["node"],
  },
  {
    method: "POST",
    path: () => `/api/agent/jobs/${jobId}/start`,
    body: { attempt: 1 },
    headers: { "x-wc-lease": "wcl_not-this-jobs-lease" },
    allowed: ["node"],
  },
  { method: "GET", path: () => "/api/billing/invoice", allowed: ["buyer"] },
  { method: "GET", path: () => "/api/billing/earnings", allowed: ["seller"] },
  { method: "GET", path: () => "/api/billing/summary", allowed: ["buyer", "seller"] },
  { method: "GET", path: () => "/api/analytics/usage", allowed: ["buyer"] },
  { method: "GET", path: () => "/api/analytics/sustainability", allowed: ["buyer"] },
  {
    method: "POST",
    path: () => "/api/jobs/submit/",
    body: { command: "echo legacy" },
    allowed: ["buyer"],
  },
  { method: "GET", path: () => "/api/jobs/history/", allowed: ["buyer"] },
  {
    method: "POST",
    path: () => "/api/nodes/provision",
    body: { cpu_cores: 2, memory_gb: 4 },
    allowed: ["seller"],
  },
  {
    method: "POST",
    path: () => "/api/nodes/heartbeat",
    body: () => ({ node_id: agent.nodeId }),
    allowed: ["node"],
  },
];

function keyOf(caller: Caller): string | undefined {
  switch (caller) {
    case "anonymous":
      return undefined;
    case "node":
      return agent.token;
    case "revoked":
      return revokedKey;
    default:
      return stack.keys[caller];
  }
}

beforeAll(async () => {
  stack = await startTestStack({ env: { WC_ACCEPT_TIMEOUT_SEC: "600" } });
  agent = await ScriptedAgent.register(stack.apiUrl, stack.keys.seller, { name: "matrix" });
  const made = await api<Job>(stack.apiUrl, "POST", "/api/jobs", {
    key: stack.keys.buyer,
    body: job(),
  });
  jobId = made.body.id;
  const other = await api<{ account: { id: string }; key: { id: string; apiKey: string } }>(
    stack.apiUrl,
    "POST",
    "/api/accounts",
    {
      key: stack.keys.admin,
      body: { name: "Other buyer", email: "other@example.test", roles: ["buyer"] },
    },
  );
  otherBuyerKey = other.body.key.apiKey;
  const toRevoke = await api<{ id: string; apiKey: string }>(
    stack.apiUrl,
    "POST",
    `/api/accounts/${other.body.account.id}/keys`,
    { key: stack.keys.admin },
  );
  revokedKey = toRevoke.body.apiKey;
  const revoked = await api(
    stack.apiUrl,
    "DELETE",
    `/api/accounts/${other.body.account.id}/keys/${toRevoke.body.id}`,
    { key: stack.keys.admin },
  );
  expect(revoked.status).toBe(200);
});

afterAll(async () => {
  await stack?.stop();
});

describe("authorization matrix", () => {
  const rows = CASES.flatMap((c) =>
    CALLERS.map((caller) => ({ ...c, caller, label: c.path.toString().replace(/^.*=> /, "") })),
  );
  it.each(rows)(
    "$method $label as $caller",
    async ({ method, path, body, headers, allowed, caller }) => {
      const key = keyOf(caller);
      const payload = typeof body === "function" ? body() : body;
      const response = await api(stack.apiUrl, method, path(), {
        ...(key === undefined ? {} : { key }),
        ...(payload === undefined ? {} : { body: payload }),
        ...(headers === undefined ? {} : { headers }),
      });
      if (allowed.includes(caller)) {
        expect([401, 403], `${method} ${path()} as ${caller}: ${response.text}`).not.toContain(
          response.status,
        );
        expect(response.status).toBeLessThan(500);
      } else {
        const expected =
          caller === "anonymous" ||
          caller === "revoked" ||
          (caller === "node") !== allowed.includes("node")
            ? [401, 403]
            : [403];
        expect(
          expected,
          `${method} ${path()} as ${caller}: ${response.status} ${response.text}`,
        ).toContain(response.status);
        expect(response.headers.get("content-type")).toContain("application/problem+json");
      }
    },
  );

  it("hides another buyer's job as 404", async () => {
    for (const path of [
      `/api/jobs/${jobId}`,
      `/api/jobs/${jobId}/logs`,
      `/api/jobs/${jobId}/artifacts`,
    ]) {
      expect((await api(stack.apiUrl, "GET", path, { key: otherBuyerKey })).status).toBe(404);
    }
    expect(
      (await api(stack.apiUrl, "POST", `/api/jobs/${jobId}/cancel`, { key: otherBuyerKey })).status,
    ).toBe(404);
  });

  it("never shows node secrets in the marketplace view", async () => {
    const market = await api(stack.apiUrl, "GET", "/api/nodes", { key: stack.keys.buyer });
    expect(market.status).toBe(200);
    expect(market.text).toContain(agent.nodeId);
    expect(market.text).not.toMatch(/tokenHash|sellerId|queueName/);
  });
});
