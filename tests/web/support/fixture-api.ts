// A small in-memory stand-in for the HTTP API, shaped by the contracts' schemas, so the browser
// tests can drive every view without the Function App. Job output is scripted on a clock: a job
// prints "hello" at 0.8 s and "done" at 2.0 s, or ticks forever when its command contains
// "sleep 600", until cancelled.
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  BillingSummarySchema,
  EarningsStatementSchema,
  InvoiceSchema,
  JobLogSliceSchema,
  JobSchema,
  MarketplaceSummarySchema,
  NodeOwnerViewSchema,
  NodePublicSchema,
  SubmitJobRequestSchema,
  SustainabilityAnalyticsSchema,
  type Job,
  type JobStatus,
  type Role,
  type NodeOwnerView,
} from "@wastecompute/contracts";
import type { z } from "zod";
import type { ApiHandler } from "./web-server.js";

export const FIXTURE_KEYS = {
  buyer: "wc_fixture_buyer_0001",
  seller: "wc_fixture_seller_0001",
} as const;

interface FixtureAccount {
  id: string;
  name: string;
  email: string;
  roles: Role[];
  research: boolean;
}

const ACCOUNTS: Record<string, FixtureAccount> = {
  [FIXTURE_KEYS.buyer]: {
    id: "acct-buyer",
    name: "Ada Buyer",
    email: "ada@example.com",
    roles: ["buyer"],
    research: false,
  },
  [FIXTURE_KEYS.seller]: {
    id: "acct-seller",
    name: "Sam Seller",
    email: "sam@example.com",
    roles: ["seller"],
    research: false,
  },
};

interface FixtureJob {
  job: Job;
  created: number;
  cancelledAt?: number;
}

function send(res: ServerResponse, status: number, body: unknown, type = "application/json"): void {
  res.writeHead(status, { "content-type": type });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

function problem(
  res: ServerResponse,
  status: number,
  title: string,
  detail?: string,
  errors?: { path: string; message: string }[],
): void {
  send(
    res,
    status,
    { type: "about:blank", title, status, detail, errors },
    "application/problem+json",
  );
}

function checked<S extends z.ZodType>(schema: S, value: z.input<S>): z.output<S> {
  return schema.parse(value);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The scripted output and status of a job at a moment. */
function scriptAt(entry: FixtureJob, now: number): { output: string; status: JobStatus } {
  const t = (now - entry.created) / 1000;
  const long = entry.job.command.includes("sleep 600");
  const cancelled = entry.cancelledAt !== undefined && now - entry.cancelledAt > 300;
  const end = cancelled ? ((entry.cancelledAt ?? now) - entry.created) / 1000 : t;
  let output = "";
  if (long) {
    for (let s = 1; s <= Math.floor(end - 0.6); s += 1) output += `tick ${s}\n`;
  } else {
    if (end >= 0.8) output += "hello\n";
    if (end >= 2.0) output += "done\n";
  }
  const status: JobStatus = cancelled
    ? "cancelled"
    : t < 0.3
      ? "queued"
      : t < 0.6
        ? "placed"
        : !long && t >= 2.2
          ? "succeeded"
          : "running";
  return { output, status };
}

function materialise(entry: FixtureJob, now: number): Job {
  const { status, output } = scriptAt(entry, now);
  const at = (s: number) => iso(entry.created + s * 1000);
  const transitions: Job["transitions"] = [
    { status: "queued", at: at(0), reason: "submitted", attempt: 0 },
  ];
  if (status !== "queued")
    transitions.push({
      status: "placed",
      at: at(0.3),
      reason: "reserved",
      attempt: 0,
      nodeId: "node-alpha",
    });
  if (!["queued", "placed"].includes(status))
    transitions.push({
      status: "running",
      at: at(0.6),
      reason: "agent started",
      attempt: 0,
      nodeId: "node-alpha",
    });
  const done = status === "succeeded" || status === "cancelled";
  if (done)
    transitions.push({
      status,
      at: iso(now),
      reason: status === "cancelled" ? "cancelled by buyer" : "exited 0",
      attempt: 0,
    });
  return checked(JobSchema, {
    ...entry.job,
    status,
    updatedAt: iso(now),
    nodeId: status === "queued" ? undefined : "node-alpha",
    transitions,
    logBytes: Buffer.byteLength(output),
    ...(done
      ? {
          exitCode: status === "succeeded" ? 0 : undefined,
          usage: { wallSeconds: 1.6, cpuSeconds: 0.02, peakRssMb: 3, gpuSeconds: 0 },
          cost: { grossMicros: 1280, discountMicros: 0, netMicros: 1280, currency: "USD" },
          carbon: {
            energyKwh: 0.000012,
            energySource: "estimated",
            emittedGrams: 0.0057,
            avoidedGrams: 0.21,
            coefficientsVersion: "ccf-2024.1",
          },
        }
      : {}),
  });
}

const NODE: NodeOwnerView = checked(NodeOwnerViewSchema, {
  id: "node-alpha",
  name: "render-box-01",
  region: "DE",
  timeZone: "Europe/Berlin",
  status: "online",
  isolation: "bubblewrap",
  hardware: {
    cpuModel: "AMD EPYC 7543 32-Core",
    cpuCores: 32,
    cpuThreads: 64,
    cpuSpeedGhz: 2.8,
    memoryMb: 131072,
    gpus: [{ index: 0, model: "NVIDIA A10G", vendor: "nvidia", vramMb: 24576 }],
    os: "linux",
    arch: "x64",
    benchmarkScore: 41000,
  },
  slots: 8,
  freeSlots: 7,
  reliability: 0.99,
  gridIntensity: 342,
  lastHeartbeatAt: new Date().toISOString(),
  utilisation: { cpuPercent: 37, memoryUsedMb: 20480 },
  sellerId: "acct-seller",
  policy: {
    maxOwnerLoad: 0.5,
    allowedHours: { start: 0, end: 24 },
    evictOnOwnerLoad: false,
    allowNetwork: false,
  },
  runningJobIds: [],
  earningsMicros: 1_234_567,
  createdAt: "2026-11-02T08:00:00.000Z",
});

function month(now: Date): string {
  return now.toISOString().slice(0, 7);
}

export interface FixtureApi {
  handler: ApiHandler;
  /** Every request the fixture saw, for tests that check what the app sent. */
  requests: { method: string; path: string }[];
}

export function createFixtureApi(): FixtureApi {
  const jobs = new Map<string, FixtureJob>();
  const requests: FixtureApi["requests"] = [];
  let nextId = 1;

  const handler: ApiHandler = (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://fixture");
      const path = url.pathname;
      const method = req.method ?? "GET";
      requests.push({ method, path: `${path}${url.search}` });
      if (path === "/api/analytics/summary") {
        return send(
          res,
          200,
          checked(MarketplaceSummarySchema, {
            nodesOnline: 12,
            jobsRun: 4821,
            co2eAvoidedKg: 318.4,
            cpuCoresOnline: 384,
            gpusOnline: 9,
          }),
        );
      }
      const key = (req.headers.authorization ?? "").replace(/^Bearer /, "");
      const account = ACCOUNTS[key];
      if (!account)
        return problem(res, 401, "Unauthorized", "The API key is missing or not valid.");
      const now = Date.now();
      if (path === "/api/me")
        return send(res, 200, {
          ...account,
          createdAt: "2026-11-01T00:00:00.000Z",
          keyId: "key-1",
        });

      if (path === "/api/jobs" && method === "POST") {
        const parsed = SubmitJobRequestSchema.safeParse(await readJson(req));
        if (!parsed.success) {
          return problem(
            res,
            400,
            "Invalid job",
            "Fix the fields below.",
            parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
          );
        }
        if (parsed.data.command.includes("no-capacity")) {
          return problem(res, 503, "No capacity", "The marketplace cannot take jobs right now.");
        }
        if (parsed.data.command.includes("forbidden")) {
          return problem(res, 400, "Invalid job", "The command was refused.", [
            { path: "command", message: "contains a word this fixture refuses" },
          ]);
        }
        const id = `job-${String(nextId++).padStart(4, "0")}-fixture`;
        const entry: FixtureJob = {
          created: now,
          job: {
            ...parsed.data,
            id,
            buyerId: account.id,
            status: "queued",
            envNames: Object.keys(parsed.data.env),
            createdAt: iso(now),
            updatedAt: iso(now),
            attempt: 0,
            transitions: [],
            logBytes: 0,
          },
        };
        jobs.set(id, entry);
        return send(res, 202, materialise(entry, now));
      }
      if (path === "/api/jobs" && method === "GET") {
        const wanted = url.searchParams.get("status")?.split(",").filter(Boolean);
        const all = [...jobs.values()]
          .reverse()
          .map((e) => materialise(e, now))
          .filter((job) => !wanted || wanted.includes(job.status));
        // The continuation token is simply the index of the next item.
        const start = Number(url.searchParams.get("continuationToken") ?? 0);
        const limit = Number(url.searchParams.get("limit") ?? 25);
        const next = start + limit < all.length ? String(start + limit) : undefined;
        return send(res, 200, { items: all.slice(start, start + limit), continuationToken: next });
      }
      const jobMatch = /^\/api\/jobs\/([^/]+)(\/logs|\/cancel|\/artifacts)?$/.exec(path);
      if (jobMatch) {
        const entry = jobs.get(decodeURIComponent(jobMatch[1] ?? ""));
        if (!entry) return problem(res, 404, "Not found", "No such job.");
        if (jobMatch[2] === "/cancel") {
          entry.cancelledAt ??= now;
          return send(res, 202, materialise(entry, now));
        }
        if (jobMatch[2] === "/artifacts")
          return send(res, 200, {
            items: [
              { name: "result.txt", sizeBytes: 2048, url: "/api/fixture-artifact/result.txt" },
            ],
          });
        if (jobMatch[2] === "/logs") {
          const { output, status } = scriptAt(entry, now);
          const bytes = Buffer.from(output);
          const offset = Math.min(Number(url.searchParams.get("offset") ?? 0), bytes.length);
          const terminal = status === "succeeded" || status === "cancelled";
          return send(
            res,
            200,
            checked(JobLogSliceSchema, {
              jobId: entry.job.id,
              offset,
              nextOffset: bytes.length,
              data: bytes.subarray(offset).toString("utf8"),
              status,
              complete: terminal,
            }),
          );
        }
        return send(res, 200, materialise(entry, now));
      }
      if (path === "/api/nodes") {
        const live = {
          ...NODE,
          utilisation: { cpuPercent: 20 + Math.round(Math.random() * 40), memoryUsedMb: 20480 },
        };
        // Sellers see their own nodes in full; everyone else sees the marketplace view.
        return send(res, 200, {
          items: [account.roles.includes("seller") ? live : NodePublicSchema.parse(live)],
        });
      }
      if (/^\/api\/nodes\/[^/]+\/drain$/.test(path))
        return send(res, 202, { ...NODE, status: "draining" });
      const m = url.searchParams.get("month") ?? month(new Date(now));
      if (path === "/api/billing/summary") {
        return send(
          res,
          200,
          checked(BillingSummarySchema, {
            accountId: account.id,
            month: m,
            spentMicros: 3000,
            earnedMicros: 0,
            jobs: jobs.size,
          }),
        );
      }
      if (path === "/api/billing/invoice") {
        if (req.headers.accept?.includes("text/csv")) {
          return send(
            res,
            200,
            "jobId,at,description,net_usd\njob-0001-fixture,2026-12-01T10:00:00Z,CPU job,0.001280\n",
            "text/csv",
          );
        }
        return send(
          res,
          200,
          checked(InvoiceSchema, {
            accountId: account.id,
            month: m,
            currency: "USD",
            lines: [
              {
                jobId: "job-0001-fixture",
                at: `${m}-01T10:00:00.000Z`,
                description: "CPU · 1 core · render-box-01",
                resourceType: "cpu",
                seconds: 2,
                peakSeconds: 2,
                offPeakSeconds: 0,
                grossMicros: 3000,
                discountMicros: 0,
                netMicros: 3000,
              },
            ],
            totals: {
              grossMicros: 3000,
              discountMicros: 0,
              netMicros: 3000,
              platformFeeMicros: 450,
            },
          }),
        );
      }
      if (path === "/api/billing/earnings") {
        if (req.headers.accept?.includes("text/csv"))
          return send(
            res,
            200,
            "jobId,nodeId,earning_usd\njob-0001-fixture,node-alpha,0.002550\n",
            "text/csv",
          );
        return send(
          res,
          200,
          checked(EarningsStatementSchema, {
            accountId: account.id,
            month: m,
            currency: "USD",
            lines: [
              {
                jobId: "job-0001-fixture",
                nodeId: "node-alpha",
                at: `${m}-01T10:00:00.000Z`,
                seconds: 2,
                jobNetMicros: 3000,
                platformFeeMicros: 450,
                earningMicros: 2550,
              },
            ],
            totals: { jobNetMicros: 3000, platformFeeMicros: 450, earningMicros: 2550 },
          }),
        );
      }
      if (path === "/api/analytics/sustainability") {
        const days = Array.from({ length: 14 }, (_, i) => {
          const day = new Date(now - (13 - i) * 86_400_000).toISOString().slice(0, 10);
          return {
            day,
            energyKwh: 0.4 + 0.3 * Math.sin(i / 2) ** 2,
            emittedGrams: 150 + 90 * Math.sin(i / 2) ** 2,
            avoidedGrams: 900 + 400 * Math.cos(i / 3) ** 2,
          };
        });
        return send(
          res,
          200,
          checked(SustainabilityAnalyticsSchema, {
            coefficientsVersion: "ccf-2024.1+ember-2024",
            methodologyUrl: "/docs.html#carbon-method",
            totals: {
              energyKwh: 8.1,
              emittedGrams: 2900,
              avoidedGrams: 15400,
              treeEquivalents: 0.26,
            },
            days,
          }),
        );
      }
      return problem(res, 404, "Not found", `No fixture for ${method} ${path}`);
    })();
  };
  return { handler, requests };
}
