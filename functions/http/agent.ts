// The agent protocol: calls a node makes about a job it was dispatched, with its node token and
// the attempt's lease (`x-wc-lease`). A lease the platform has moved on from is refused with 409.
import {
  ArtifactNameSchema,
  FinishJobRequestSchema,
  LogChunkRequestSchema,
  LogChunkResponseSchema,
  MAX_ARTIFACT_BYTES,
  MAX_LOG_CHUNK_BYTES,
  StartJobRequestSchema,
  StartJobResponseSchema,
} from "@wastecompute/contracts";
import { z } from "zod";
import { ConflictError } from "../domain/errors.js";
import { isTerminal } from "../domain/job-state.js";
import { putArtifact } from "../store/artifacts.js";
import { appendLog } from "../store/logs.js";
import { raiseLifecycleEvent } from "./durable.js";
import { endpoint, json } from "./endpoint.js";
import { HttpProblem, validationFailed } from "./problem.js";

const LEASE = { kind: "lease" } as const;

const FinishResponseSchema = z.object({
  jobId: z.string(),
  status: z.string(),
  accepted: z.boolean(),
});

export const agentEndpoints = [
  endpoint({
    name: "agentStartJob",
    method: "POST",
    route: "agent/jobs/{id}/start",
    tag: "agent",
    summary:
      "The agent accepts a dispatched job and starts it (node token + lease). Repeating it is harmless.",
    access: LEASE,
    body: StartJobRequestSchema,
    response: StartJobResponseSchema,
    async handle({ body, caller, context }) {
      const { job } = caller;
      if (job.assignment?.attempt !== body.attempt)
        throw new ConflictError("The lease is for another attempt.");
      if (job.status !== "placed" && job.status !== "running")
        throw new ConflictError(`The job is ${job.status}; it cannot start.`);
      await raiseLifecycleEvent(context, job.id, "started", {
        attempt: body.attempt,
        at: new Date().toISOString(),
      });
      context.info("job started", { jobId: job.id, nodeId: caller.node.id, attempt: body.attempt });
      return json({ jobId: job.id, maxArtifactBytes: MAX_ARTIFACT_BYTES });
    },
  }),
  endpoint({
    name: "agentAppendLogs",
    method: "POST",
    route: "agent/jobs/{id}/logs",
    tag: "agent",
    summary:
      "Append one ordered chunk of output at its byte offset. Duplicates are acknowledged; a gap answers 409 with storedBytes to resend from.",
    access: LEASE,
    body: LogChunkRequestSchema,
    maxBodyBytes: 2 * MAX_LOG_CHUNK_BYTES,
    response: LogChunkResponseSchema,
    async handle({ body, caller }) {
      const data = Buffer.from(body.data, "base64");
      if (data.length > MAX_LOG_CHUNK_BYTES) {
        throw new HttpProblem(
          413,
          "Payload too large",
          `A chunk may carry at most ${MAX_LOG_CHUNK_BYTES} bytes.`,
        );
      }
      const outcome = await appendLog(caller.job.id, body.offset, data);
      if (outcome.kind === "gap") {
        throw new HttpProblem(
          409,
          "Log gap",
          `Bytes before offset ${body.offset} are missing; resend from storedBytes.`,
          {
            storedBytes: outcome.storedBytes,
          },
        );
      }
      if (outcome.kind === "mismatch") {
        throw new HttpProblem(
          409,
          "Log mismatch",
          "The chunk differs from bytes already stored at that offset.",
          {
            storedBytes: outcome.storedBytes,
          },
        );
      }
      return json({ storedBytes: outcome.storedBytes });
    },
  }),
  endpoint({
    name: "agentPutArtifact",
    method: "PUT",
    route: "agent/jobs/{id}/artifacts/{name}",
    tag: "agent",
    summary: `Upload one artifact as the raw body (at most ${MAX_ARTIFACT_BYTES} bytes).`,
    access: LEASE,
    rawBody: true,
    maxBodyBytes: MAX_ARTIFACT_BYTES,
    successStatus: 201,
    async handle({ request, params, rawBody, caller }) {
      const name = ArtifactNameSchema.safeParse(params.name);
      if (!name.success) throw validationFailed("artifact name", name.error, ["name"]);
      await putArtifact(
        caller.job.id,
        name.data,
        rawBody,
        request.headers.get("content-type") ?? "application/octet-stream",
      );
      return json({ name: name.data, sizeBytes: rawBody.length }, 201);
    },
  }),
  endpoint({
    name: "agentFinishJob",
    method: "POST",
    route: "agent/jobs/{id}/finish",
    tag: "agent",
    summary:
      "Report how the attempt ended (exit code, signal, usage). Reporting twice is harmless.",
    access: LEASE,
    body: FinishJobRequestSchema,
    response: FinishResponseSchema,
    async handle({ body, caller, context }) {
      const { job } = caller;
      const attempt = job.assignment?.attempt ?? job.attempt;
      if (isTerminal(job.status))
        return json({ jobId: job.id, status: job.status, accepted: false });
      await raiseLifecycleEvent(context, job.id, "finished", { attempt, report: body });
      context.info("job finished by agent", {
        jobId: job.id,
        nodeId: caller.node.id,
        attempt,
        outcome: body.outcome,
      });
      return json({ jobId: job.id, status: job.status, accepted: true });
    },
  }),
];
