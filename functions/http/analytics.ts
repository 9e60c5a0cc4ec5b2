// Analytics: a buyer's daily usage and carbon, and the marketplace's public numbers.
import {
  MarketplaceSummarySchema,
  SustainabilityAnalyticsSchema,
  UsageAnalyticsSchema,
} from "@wastecompute/contracts";
import { z } from "zod";
import { CARBON_COEFFICIENTS } from "../domain/carbon-coefficients.js";
import { listCarbonRecords, totalAvoidedGrams } from "../store/carbon.js";
import { countJobs, listJobsWithUsageSince } from "../store/jobs.js";
import { listAllNodes } from "../store/nodes.js";
import { platformSettings } from "../store/platform-settings.js";
import { endpoint, json } from "./endpoint.js";
import { isNodeFresh } from "./views.js";

const DAY_MS = 86_400_000;
const RangeQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) });
const METHODOLOGY_URL = "docs/carbon-methodology.md";

const dayOf = (iso: string): string => iso.slice(0, 10);
const round = (n: number, digits = 6): number => Number(n.toFixed(digits));

export async function usageAnalytics(buyerId: string, days: number, now = new Date()) {
  const from = new Date(now.getTime() - days * DAY_MS);
  const jobs = await listJobsWithUsageSince(buyerId, from.toISOString());
  const byDay = new Map<
    string,
    { day: string; jobs: number; cpuSeconds: number; gpuSeconds: number; spentMicros: number }
  >();
  for (const job of jobs) {
    const day = dayOf(job.usage?.finishedAt ?? job.updatedAt);
    const row = byDay.get(day) ?? { day, jobs: 0, cpuSeconds: 0, gpuSeconds: 0, spentMicros: 0 };
    row.jobs += 1;
    row.cpuSeconds = round(row.cpuSeconds + (job.usage?.cpuSeconds ?? 0));
    row.gpuSeconds = round(row.gpuSeconds + (job.usage?.gpuSeconds ?? 0));
    row.spentMicros += job.cost?.netMicros ?? 0;
    byDay.set(day, row);
  }
  return {
    from: from.toISOString(),
    to: now.toISOString(),
    days: [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day)),
  };
}

export async function sustainabilityAnalytics(buyerId: string) {
  const records = await listCarbonRecords(buyerId);
  const byDay = new Map<
    string,
    { day: string; energyKwh: number; emittedGrams: number; avoidedGrams: number }
  >();
  let energyKwh = 0;
  let emittedGrams = 0;
  let avoidedGrams = 0;
  let trees = 0;
  for (const record of records) {
    energyKwh += record.energy.usedKwh;
    emittedGrams += record.sciGrams;
    avoidedGrams += record.avoidedGrams;
    trees += record.treeSeedlingsAvoided;
    const day = dayOf(record.createdAt);
    const row = byDay.get(day) ?? { day, energyKwh: 0, emittedGrams: 0, avoidedGrams: 0 };
    row.energyKwh = round(row.energyKwh + record.energy.usedKwh);
    row.emittedGrams = round(row.emittedGrams + record.sciGrams);
    row.avoidedGrams = round(row.avoidedGrams + record.avoidedGrams);
    byDay.set(day, row);
  }
  return {
    coefficientsVersion: CARBON_COEFFICIENTS.version,
    methodologyUrl: METHODOLOGY_URL,
    totals: {
      energyKwh: round(energyKwh),
      emittedGrams: round(emittedGrams),
      avoidedGrams: round(avoidedGrams),
      treeEquivalents: round(trees),
    },
    days: [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day)),
  };
}

export async function marketplaceSummary(now = new Date()) {
  const staleSec = platformSettings().nodeStaleSec;
  const online = (await listAllNodes()).filter((n) => isNodeFresh(n, now, staleSec));
  return {
    nodesOnline: online.length,
    jobsRun: await countJobs(["succeeded", "failed", "timed_out", "cancelled"]),
    co2eAvoidedKg: round((await totalAvoidedGrams()) / 1000, 3),
    cpuCoresOnline: online.reduce((n, node) => n + node.hardware.cpuCores, 0),
    gpusOnline: online.reduce((n, node) => n + node.hardware.gpus.length, 0),
  };
}

export const analyticsEndpoints = [
  endpoint({
    name: "getUsageAnalytics",
    method: "GET",
    route: "analytics/usage",
    tag: "analytics",
    summary: "Your jobs, CPU/GPU seconds and spend per day over the last `days` (default 30).",
    access: { kind: "roles", roles: ["buyer"] },
    query: RangeQuerySchema,
    response: UsageAnalyticsSchema,
    async handle({ query, caller }) {
      return json(await usageAnalytics(caller.account.id, query.days));
    },
  }),
  endpoint({
    name: "getSustainabilityAnalytics",
    method: "GET",
    route: "analytics/sustainability",
    tag: "analytics",
    summary: "Energy, emitted and avoided CO2e of your jobs (SCI method), per day and in total.",
    access: { kind: "roles", roles: ["buyer"] },
    response: SustainabilityAnalyticsSchema,
    async handle({ caller }) {
      return json(await sustainabilityAnalytics(caller.account.id));
    },
  }),
  endpoint({
    name: "getMarketplaceSummary",
    method: "GET",
    route: "analytics/summary",
    tag: "analytics",
    summary:
      "Public marketplace numbers (landing page): nodes and cores online, jobs run, CO2e avoided.",
    access: { kind: "public" },
    response: MarketplaceSummarySchema,
    async handle() {
      return json(await marketplaceSummary());
    },
  }),
];
