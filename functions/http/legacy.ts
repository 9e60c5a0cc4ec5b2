// The seed's documented API, kept for existing clients and mapped onto the current one with the
// same authentication. Routes the seed shares with today's API (GET /api/nodes/, analytics,
// billing) are served by those endpoints: trailing slashes match the same routes.
import {
  HeartbeatResponseSchema,
  JobSchema,
  LegacyHeartbeatRequestSchema,
  LegacyProvisionNodeRequestSchema,
  LegacySubmitJobRequestSchema,
  RegisterNodeRequestSchema,
  RegisterNodeResponseSchema,
  SubmitJobRequestSchema,
} from "@wastecompute/contracts";
import { z } from "zod";
import { ForbiddenError } from "../domain/errors.js";
import { listJobs } from "../store/jobs.js";
import { endpoint, json } from "./endpoint.js";
import { submitJob } from "./jobs.js";
import { recordHeartbeat, registerNode } from "./nodes.js";
import { validationFailed } from "./problem.js";
import { jobView } from "./views.js";

const MB_PER_GB = 1024;

export const legacyEndpoints = [
  endpoint({
    name: "legacySubmitJob",
    method: "POST",
    route: "jobs/submit",
    tag: "legacy",
    summary:
      "Seed API: submit {command, max_runtime, resource_type}. Answers the job plus `job_id`.",
    access: { kind: "roles", roles: ["buyer"] },
    body: LegacySubmitJobRequestSchema,
    response: JobSchema.extend({ job_id: z.string() }),
    successStatus: 202,
    async handle({ body, caller, context }) {
      const mapped = SubmitJobRequestSchema.safeParse({
        command: body.command,
        maxRuntimeSec: body.max_runtime,
        resourceType: body.resource_type,
        requirements: body.resource_type === "gpu" ? { gpuCount: 1 } : {},
      });
      if (!mapped.success) throw validationFailed("request body", mapped.error);
      const { job } = await submitJob(context, caller.account.id, mapped.data, undefined);
      return json({ ...jobView(job), job_id: job.id }, 202);
    },
  }),
  endpoint({
    name: "legacyJobHistory",
    method: "GET",
    route: "jobs/history",
    tag: "legacy",
    summary: "Seed API: your recent jobs (newest first) as `jobs`.",
    access: { kind: "roles", roles: ["buyer"] },
    response: z.object({ jobs: z.array(JobSchema) }),
    async handle({ caller }) {
      const page = await listJobs(caller.account.id, { limit: 100 });
      return json({ jobs: page.items.map(jobView) });
    },
  }),
  endpoint({
    name: "legacyProvisionNode",
    method: "POST",
    route: "nodes/provision",
    tag: "legacy",
    summary:
      "Seed API: register a node from {cpu_cores, memory_gb, gpu_count, ...}. Answers the registration plus `node_id`.",
    access: { kind: "roles", roles: ["seller"] },
    body: LegacyProvisionNodeRequestSchema,
    response: RegisterNodeResponseSchema.extend({ node_id: z.string() }),
    successStatus: 201,
    async handle({ body, caller }) {
      const mapped = RegisterNodeRequestSchema.safeParse({
        name: body.name ?? "node",
        region: body.region,
        timeZone: body.timezone,
        isolation: "none",
        hardware: {
          cpuModel: "unknown",
          cpuCores: body.cpu_cores,
          cpuThreads: body.cpu_cores,
          cpuSpeedGhz: 0,
          memoryMb: Math.round(body.memory_gb * MB_PER_GB),
          gpus: Array.from({ length: body.gpu_count }, (_, index) => ({
            index,
            model: body.gpu_model ?? "unknown",
            vramMb: 0,
          })),
          os: "unknown",
          arch: "unknown",
          benchmarkScore: 0,
        },
      });
      if (!mapped.success) throw validationFailed("request body", mapped.error);
      const registered = await registerNode(caller.account.id, mapped.data);
      return json({ ...registered, node_id: registered.nodeId }, 201);
    },
  }),
  endpoint({
    name: "legacyNodeHeartbeat",
    method: "POST",
    route: "nodes/heartbeat",
    tag: "legacy",
    summary: "Seed API: heartbeat {node_id, cpu_percent, memory_used_mb} with the node token.",
    access: { kind: "node" },
    body: LegacyHeartbeatRequestSchema,
    response: HeartbeatResponseSchema,
    async handle({ body, caller }) {
      if (body.node_id !== caller.node.id)
        throw new ForbiddenError("The node token belongs to another node.");
      return json(
        await recordHeartbeat(caller.node, {
          utilisation: { cpuPercent: body.cpu_percent, memoryUsedMb: body.memory_used_mb },
          runningJobIds: [],
          state: "idle",
        }),
      );
    },
  }),
];
