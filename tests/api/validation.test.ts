// Malformed requests are refused with 400 and field paths, and nothing is written.
import type { Job, JobList } from "@wastecompute/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAllNodes } from "../../functions/store/nodes.js";
import { api } from "../support/api-client.js";
import { startTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

interface Problem {
  type: string;
  title: string;
  status: number;
  errors?: { path: string; message: string }[];
}

const BAD_JOBS: { name: string; body: unknown; path: string }[] = [
  { name: "a command of the wrong type", body: { command: 5 }, path: "command" },
  { name: "a missing command", body: { resourceType: "cpu" }, path: "command" },
  { name: "an oversize command", body: { command: "x".repeat(8 * 1024 + 1) }, path: "command" },
  {
    name: "an unknown resource type",
    body: { command: "echo", resourceType: "tpu" },
    path: "resourceType",
  },
  {
    name: "a negative runtime",
    body: { command: "echo", maxRuntimeSec: -1 },
    path: "maxRuntimeSec",
  },
  { name: "an unknown field", body: { command: "echo", priority: "high" }, path: "priority" },
  {
    name: "a nested wrong type",
    body: { command: "echo", requirements: { cpuCores: "two" } },
    path: "requirements.cpuCores",
  },
  {
    name: "a gpu job without GPUs",
    body: { command: "echo", resourceType: "gpu" },
    path: "requirements.gpuCount",
  },
  {
    name: "a reserved env name",
    body: { command: "echo", env: { WC_SECRET: "x" } },
    path: "env.WC_SECRET",
  },
  { name: "a JSON array", body: [], path: "(body)" },
];

async function jobCount(): Promise<number> {
  const list = await api<JobList>(stack.apiUrl, "GET", "/api/jobs?limit=100", {
    key: stack.keys.buyer,
  });
  expect(list.status).toBe(200);
  return list.body.items.length;
}

describe("malformed job submissions", () => {
  it.each(BAD_JOBS)(
    "refuses $name with 400 naming $path, writing nothing",
    async ({ body, path }) => {
      const before = await jobCount();
      const response = await api<Problem>(stack.apiUrl, "POST", "/api/jobs", {
        key: stack.keys.buyer,
        body,
      });
      expect(response.status, response.text).toBe(400);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
      expect(response.body.errors?.map((e) => e.path)).toContain(path);
      expect(await jobCount()).toBe(before);
    },
  );

  it("refuses malformed JSON with 400", async () => {
    const response = await api<Problem>(stack.apiUrl, "POST", "/api/jobs", {
      key: stack.keys.buyer,
      rawBody: '{"command": "echo",',
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(400);
    expect(response.body.title).toBe("Malformed JSON");
    expect(await jobCount()).toBe(0);
  });

  it("refuses a bad query with 400 naming the parameter", async () => {
    const response = await api<Problem>(stack.apiUrl, "GET", "/api/jobs?status=bogus", {
      key: stack.keys.buyer,
    });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.path).toMatch(/^query\.status/);
  });

  it("accepts a well-formed job after all that", async () => {
    const response = await api<Job>(stack.apiUrl, "POST", "/api/jobs", {
      key: stack.keys.buyer,
      body: { command: "echo ok", queueTimeoutSec: 1 },
    });
    expect(response.status).toBe(202);
    expect(await jobCount()).toBe(1);
  });
});

describe("malformed node registrations", () => {
  it("refuses a registration missing its hardware, naming the field, and creates no node", async () => {
    const response = await api<Problem>(stack.apiUrl, "POST", "/api/nodes", {
      key: stack.keys.seller,
      body: { name: "n", isolation: "none", timeZone: "Mars/Olympus" },
    });
    expect(response.status).toBe(400);
    const paths = response.body.errors?.map((e) => e.path) ?? [];
    expect(paths).toContain("hardware");
    expect(paths).toContain("timeZone");
    expect(await listAllNodes()).toEqual([]);
  });

  it("refuses a legacy provision with a negative core count", async () => {
    const response = await api<Problem>(stack.apiUrl, "POST", "/api/nodes/provision", {
      key: stack.keys.seller,
      body: { cpu_cores: -2, memory_gb: 4 },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors?.map((e) => e.path)).toContain("cpu_cores");
    expect(await listAllNodes()).toEqual([]);
  });
});

describe("listing", () => {
  it("pages a buyer's jobs newest first with a continuation token and filters by status", async () => {
    for (const n of [1, 2, 3]) {
      const made = await api(stack.apiUrl, "POST", "/api/jobs", {
        key: stack.keys.buyer,
        body: { command: `echo ${n}`, queueTimeoutSec: 600 },
      });
      expect(made.status).toBe(202);
    }
    const first = await api<JobList>(stack.apiUrl, "GET", "/api/jobs?limit=2", {
      key: stack.keys.buyer,
    });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0]!.command).toBe("echo 3");
    expect(first.body.continuationToken).toBeTruthy();
    const token = encodeURIComponent(first.body.continuationToken!);
    const second = await api<JobList>(
      stack.apiUrl,
      "GET",
      `/api/jobs?limit=2&continuationToken=${token}`,
      { key: stack.keys.buyer },
    );
    expect(second.status, second.text).toBe(200);
    const seen = [...first.body.items, ...second.body.items].map((j) => j.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    const queued = await api<JobList>(
      stack.apiUrl,
      "GET",
      "/api/jobs?status=queued,placed&limit=100",
      { key: stack.keys.buyer },
    );
    expect(queued.body.items.every((j) => ["queued", "placed"].includes(j.status))).toBe(true);
    const none = await api<JobList>(stack.apiUrl, "GET", "/api/jobs?status=succeeded", {
      key: stack.keys.buyer,
    });
    expect(none.body.items).toEqual([]);
  });
});
