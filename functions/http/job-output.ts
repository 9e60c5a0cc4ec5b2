// Buyer endpoints for a job's output: log slices, a live log stream, artifacts.
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import {
  ArtifactListSchema,
  ArtifactNameSchema,
  JobLogSliceSchema,
  LogQuerySchema,
} from "@wastecompute/contracts";
import { z } from "zod";
import { NotFoundError } from "../domain/errors.js";
import { isTerminal } from "../domain/job-state.js";
import type { JobDoc } from "../domain/model.js";
import { getArtifact, listArtifacts } from "../store/artifacts.js";
import { getConfig } from "../store/config.js";
import { getJob } from "../store/jobs.js";
import { logLength, readLog } from "../store/logs.js";
import { endpoint, json } from "./endpoint.js";
import { ownJob } from "./jobs.js";
import { validationFailed } from "./problem.js";

const BUYER = { kind: "roles", roles: ["buyer"] } as const;
const STREAM_POLL_MS = 500;
/** A stream ends after this even if the job does not, so abandoned connections cannot pile up. */
const STREAM_MAX_MS = 60 * 60 * 1000;
const STREAM_READ_BYTES = 256 * 1024;

/**
 * How many bytes of `bytes` end on a UTF-8 character boundary, so a slice never splits a
 * character (the next slice starts where this one ended).
 */
export function utf8BoundaryLength(bytes: Buffer): number {
  let i = bytes.length - 1;
  let continuation = 0;
  while (i >= 0 && (bytes[i]! & 0xc0) === 0x80 && continuation < 3) {
    i--;
    continuation++;
  }
  if (i < 0) return bytes.length;
  const lead = bytes[i]!;
  const expected = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  return expected > continuation ? i : bytes.length;
}

function apiBase(request: HttpRequest): string {
  return getConfig().publicApiUrl ?? `${new URL(request.url).origin}/api`;
}

const StreamQuerySchema = z.object({ offset: z.coerce.number().int().nonnegative().default(0) });

function logStream(job: JobDoc, startOffset: number): ReadableStream<Uint8Array> {
  let offset = startOffset;
  let stopped = false;
  const startedAt = Date.now();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (!stopped) {
        const current = (await getJob(job.buyerId, job.id)) ?? job;
        const bytes = await readLog(job.id, offset, STREAM_READ_BYTES);
        const usable = bytes.subarray(0, utf8BoundaryLength(bytes));
        if (usable.length > 0) {
          offset += usable.length;
          controller.enqueue(new Uint8Array(usable));
          return;
        }
        const done = isTerminal(current.status) && offset >= (await logLength(job.id));
        if (done || Date.now() - startedAt > STREAM_MAX_MS) {
          controller.close();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, STREAM_POLL_MS));
      }
    },
    cancel() {
      stopped = true;
    },
  });
}

export const jobOutputEndpoints = [
  endpoint({
    name: "getJobLogs",
    method: "GET",
    route: "jobs/{id}/logs",
    tag: "jobs",
    summary: "The job's output from byte `offset`; `nextOffset` resumes without gaps or repeats.",
    access: BUYER,
    query: LogQuerySchema,
    response: JobLogSliceSchema,
    async handle({ params, query, caller }) {
      const job = await ownJob(caller, params.id ?? "");
      const bytes = await readLog(job.id, query.offset, query.limit);
      const usable = bytes.subarray(0, utf8BoundaryLength(bytes));
      const nextOffset = query.offset + usable.length;
      const complete = isTerminal(job.status) && nextOffset >= (await logLength(job.id));
      return json({
        jobId: job.id,
        offset: query.offset,
        nextOffset,
        data: usable.toString("utf8"),
        status: job.status,
        complete,
      });
    },
  }),
  endpoint({
    name: "streamJobLogs",
    method: "GET",
    route: "jobs/{id}/logs/stream",
    tag: "jobs",
    summary:
      "The job's output as chunked text/plain from byte `offset`, ending when the job has ended and all output is sent.",
    access: BUYER,
    query: StreamQuerySchema,
    produces: ["text/plain"],
    async handle({ params, query, caller }): Promise<HttpResponseInit> {
      const job = await ownJob(caller, params.id ?? "");
      return {
        status: 200,
        headers: {
          "content-type": "text/plain; charset=utf-8",
          "cache-control": "no-store",
          "x-content-type-options": "nosniff",
        },
        body: logStream(job, query.offset),
      };
    },
  }),
  endpoint({
    name: "listJobArtifacts",
    method: "GET",
    route: "jobs/{id}/artifacts",
    tag: "jobs",
    summary: "Files the job uploaded, with download links (same API key).",
    access: BUYER,
    response: ArtifactListSchema,
    async handle({ request, params, caller }) {
      const job = await ownJob(caller, params.id ?? "");
      const base = apiBase(request);
      const items = (await listArtifacts(job.id)).map((a) => ({
        name: a.name,
        sizeBytes: a.sizeBytes,
        url: `${base}/jobs/${job.id}/artifacts/${encodeURIComponent(a.name)}`,
      }));
      return json({ items });
    },
  }),
  endpoint({
    name: "downloadJobArtifact",
    method: "GET",
    route: "jobs/{id}/artifacts/{name}",
    tag: "jobs",
    summary: "Download one artifact.",
    access: BUYER,
    produces: ["application/octet-stream"],
    async handle({ params, caller }): Promise<HttpResponseInit> {
      const job = await ownJob(caller, params.id ?? "");
      const name = ArtifactNameSchema.safeParse(params.name);
      if (!name.success) throw validationFailed("artifact name", name.error, ["name"]);
      const artifact = await getArtifact(job.id, name.data);
      if (artifact === undefined) throw new NotFoundError(`No artifact ${name.data}.`);
      return {
        status: 200,
        headers: {
          "content-type": artifact.contentType,
          "content-disposition": `attachment; filename="${name.data}"`,
          "x-content-type-options": "nosniff",
        },
        body: new Uint8Array(artifact.data),
      };
    },
  }),
];
