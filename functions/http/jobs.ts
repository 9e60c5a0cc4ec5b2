// Buyer job endpoints: submit (with Idempotency-Key), list, read, cancel.
import type { InvocationContext } from "@azure/functions";
import {
  JobListQuerySchema,
  JobListSchema,
  JobSchema,
  SubmitJobRequestSchema,
  type SubmitJobRequest,
} from "@wastecompute/contracts";
import { z } from "zod";
import { ConflictError, NotFoundError } from "../domain/errors.js";
import { createJob as newJobDoc, isTerminal } from "../domain/job-state.js";
import type { JobDoc } from "../domain/model.js";
import {
  claimIdempotencyKey,
  findIdempotencyRecord,
  releaseIdempotencyKey,
} from "../store/idempotency.js";
import { createJob, deleteJob, getJob, listJobs } from "../store/jobs.js";
import type { AccountCaller } from "./auth.js";
import { raiseLifecycleEvent, startJobLifecycle } from "./durable.js";
import { endpoint, json } from "./endpoint.js";
import { HttpProblem } from "./problem.js";
import { newId, sha256Hex } from "./secrets.js";
import { jobView } from "./views.js";

const BUYER = { kind: "roles", roles: ["buyer"] } as const;
const IDEMPOTENCY_HEADER = "idempotency-key";
const IdempotencyKeySchema = z.string().min(1).max(255);

/** A job of the calling buyer; another buyer's job is reported missing, not forbidden. */
export async function ownJob(caller: AccountCaller, id: string): Promise<JobDoc> {
  const job = await getJob(caller.account.id, id);
  if (job === undefined) throw new NotFoundError(`No job ${id}.`);
  return job;
}

/**
 * Writes the job and starts its lifecycle (instance id = job id). With an idempotency key, the
 * same key and body answer the job made the first time; the same key with another body is 422.
 */
export async function submitJob(
  context: InvocationContext,
  buyerId: string,
  request: SubmitJobRequest,
  idempotencyKey: string | undefined,
): Promise<{ job: JobDoc; replayed: boolean }> {
  const id = newId("job-");
  if (idempotencyKey !== undefined) {
    const bodySha256 = sha256Hex(JSON.stringify(request));
    const record =
      (await findIdempotencyRecord(buyerId, idempotencyKey)) ??
      (await claimIdempotencyKey(
        buyerId,
        idempotencyKey,
        bodySha256,
        id,
        new Date().toISOString(),
      ));
    if (record.bodySha256 !== bodySha256) {
      throw new HttpProblem(
        422,
        "Idempotency key reused",
        "This Idempotency-Key was used with a different request body.",
      );
    }
    if (record.jobId !== id) {
      const existing = await getJob(buyerId, record.jobId);
      if (existing === undefined)
        throw new ConflictError(
          "A request with this Idempotency-Key is still in progress; retry shortly.",
        );
      return { job: existing, replayed: true };
    }
  }
  const job = await createJob(newJobDoc(request, { id, buyerId, at: new Date() }));
  try {
    await startJobLifecycle(context, job);
  } catch (error) {
    // Not accepted after all: take back what was written, so no job waits forever in `queued`
    // and a retry with the same Idempotency-Key starts afresh.
    await deleteJob(buyerId, job.id);
    if (idempotencyKey !== undefined) await releaseIdempotencyKey(buyerId, idempotencyKey);
    throw error;
  }
  context.info("job submitted", { jobId: job.id, buyerId });
  return { job, replayed: false };
}

export const jobEndpoints = [
  endpoint({
    name: "submitJob",
    method: "POST",
    route: "jobs",
    tag: "jobs",
    summary: "Submit a job (202). Send `Idempotency-Key` to make retries safe.",
    access: BUYER,
    body: SubmitJobRequestSchema,
    response: JobSchema,
    successStatus: 202,
    async handle({ request, context, body, caller }) {
      const header = request.headers.get(IDEMPOTENCY_HEADER);
      let key: string | undefined;
      if (header !== null) {
        const parsed = IdempotencyKeySchema.safeParse(header);
        if (!parsed.success)
          throw new HttpProblem(
            400,
            "Invalid Idempotency-Key",
            "Idempotency-Key must be 1-255 characters.",
          );
        key = parsed.data;
      }
      const { job } = await submitJob(context, caller.account.id, body, key);
      return json(jobView(job), 202, { location: `/api/jobs/${job.id}` });
    },
  }),
  endpoint({
    name: "listJobs",
    method: "GET",
    route: "jobs",
    tag: "jobs",
    summary: "Your jobs, newest first; `status=a,b` filters, `continuationToken` pages.",
    access: BUYER,
    query: JobListQuerySchema,
    response: JobListSchema,
    async handle({ query, caller }) {
      const page = await listJobs(caller.account.id, {
        limit: query.limit,
        ...(query.status === undefined ? {} : { statuses: query.status }),
        ...(query.continuationToken === undefined
          ? {}
          : { continuationToken: query.continuationToken }),
      });
      return json({
        items: page.items.map(jobView),
        ...(page.continuationToken === undefined
          ? {}
          : { continuationToken: page.continuationToken }),
      });
    },
  }),
  endpoint({
    name: "getJob",
    method: "GET",
    route: "jobs/{id}",
    tag: "jobs",
    summary: "One of your jobs.",
    access: BUYER,
    response: JobSchema,
    async handle({ params, caller }) {
      return json(jobView(await ownJob(caller, params.id ?? "")));
    },
  }),
  endpoint({
    name: "cancelJob",
    method: "POST",
    route: "jobs/{id}/cancel",
    tag: "jobs",
    summary: "Ask to cancel a job (202; idempotent). 409 when the job has already ended.",
    access: BUYER,
    response: JobSchema,
    successStatus: 202,
    async handle({ params, context, caller }) {
      const job = await ownJob(caller, params.id ?? "");
      if (isTerminal(job.status))
        throw new ConflictError(`The job has already ended (${job.status}).`);
      await raiseLifecycleEvent(context, job.id, "cancel", {
        reason: "cancelled by the buyer",
        at: new Date().toISOString(),
      });
      return json(jobView(job), 202);
    },
  }),
];
