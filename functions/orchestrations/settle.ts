// Activity `settleJob`: the job's final status, its price (ledger entries keyed job id + kind) and
// carbon record (id = job id), and the node's room released. Safe to run again: entries and the
// record are create-once, and a job already final is left as it is.
import type { FinishJobRequest } from "@wastecompute/contracts";
import { buildCarbonRecord, summariseCarbon } from "../domain/carbon.js";
import { isTerminal, transition } from "../domain/job-state.js";
import { settlementEntries } from "../domain/ledger.js";
import type { JobDoc, JobStatus, JobUsage, UsagePrice } from "../domain/model.js";
import { priceUsage } from "../domain/pricing.js";
import { isResearchAccount } from "../store/accounts.js";
import { writeCarbonRecordOnce } from "../store/carbon.js";
import { getJob, updateJob } from "../store/jobs.js";
import { writeLedgerEntryOnce } from "../store/ledger.js";
import { logLength } from "../store/logs.js";
import { getNode } from "../store/nodes.js";
import type { SettleInput } from "./activities.js";
import { releaseReservation } from "./activities.js";

/** Statuses whose reported usage the buyer pays for: the node did the work. */
const BILLABLE: readonly JobStatus[] = ["succeeded", "failed", "timed_out", "cancelled"];

function usageOf(report: FinishJobRequest): JobUsage {
  return {
    wallSeconds: report.wallSeconds,
    cpuSeconds: report.cpuSeconds,
    peakRssMb: report.peakRssMb,
    gpuSeconds: report.gpuSeconds,
    ...(report.energyKwhMeasured === undefined
      ? {}
      : { energyKwhMeasured: report.energyKwhMeasured }),
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
  };
}

/** A job that finished without ever being marked running passes through `running` first. */
function toFinal(
  job: JobDoc,
  status: JobStatus,
  reason: string,
  report: FinishJobRequest | undefined,
  now: Date,
): JobDoc {
  let current = job;
  if (
    current.status === "placed" &&
    report !== undefined &&
    status !== "failed" &&
    status !== "cancelled"
  ) {
    current = transition(current, "running", {
      at: new Date(report.startedAt),
      reason: "started by the agent",
    });
  }
  return transition(current, status, { at: now, reason });
}

export async function settleJob(input: SettleInput): Promise<{ status: JobStatus }> {
  const job = await getJob(input.buyerId, input.jobId);
  if (job === undefined) throw new Error(`job ${input.jobId} not found`);
  const assignment = job.assignment;
  if (isTerminal(job.status)) {
    if (assignment !== null)
      await releaseReservation(assignment.sellerId, assignment.nodeId, job.id);
    return { status: job.status };
  }
  const node =
    assignment === null ? undefined : await getNode(assignment.sellerId, assignment.nodeId);
  const report = input.report;
  let price: UsagePrice | undefined;
  let carbon: JobDoc["carbon"];
  if (report !== undefined && node !== undefined && BILLABLE.includes(input.status)) {
    price = priceUsage({
      resourceType: job.resourceType,
      cpuCores: job.requirements.cpuCores,
      gpuCount: job.requirements.gpuCount,
      start: new Date(report.startedAt),
      end: new Date(Math.max(Date.parse(report.finishedAt), Date.parse(report.startedAt))),
      timeZone: node.timeZone,
      researchDiscount: await isResearchAccount(job.buyerId),
    });
    const settlement = {
      jobId: job.id,
      buyerId: job.buyerId,
      sellerId: node.sellerId,
      nodeId: node.id,
      resourceType: job.resourceType,
      price,
      settledAt: new Date(report.finishedAt),
    };
    for (const entry of settlementEntries(settlement)) await writeLedgerEntryOnce(entry);
    const record = buildCarbonRecord({
      jobId: job.id,
      buyerId: job.buyerId,
      requirements: job.requirements,
      usage: usageOf(report),
      node,
      at: new Date(report.finishedAt),
    });
    await writeCarbonRecordOnce(record);
    carbon = summariseCarbon(record);
  }
  const logBytes = await logLength(job.id);
  const now = new Date();
  const settled = await updateJob(job.buyerId, job.id, (current) => {
    if (isTerminal(current.status)) return undefined;
    const next = toFinal(current, input.status, input.reason, report, now);
    return {
      ...next,
      logBytes,
      ...(report === undefined ? {} : { usage: usageOf(report) }),
      ...(report?.exitCode === null || report?.exitCode === undefined
        ? {}
        : { exitCode: report.exitCode }),
      ...(report?.signal === null || report?.signal === undefined ? {} : { signal: report.signal }),
      ...(price === undefined ? {} : { cost: price }),
      ...(carbon === undefined ? {} : { carbon }),
    };
  });
  if (assignment !== null) {
    await releaseReservation(
      assignment.sellerId,
      assignment.nodeId,
      job.id,
      report === undefined ? undefined : "completed",
    );
  }
  return { status: settled?.status ?? input.status };
}
