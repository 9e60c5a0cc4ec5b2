// Buyer-facing job API: submit, list, read, logs, cancel, artifacts.
import { z } from "zod";
import { IdSchema, MicrosSchema, PageQuerySchema, TimestampSchema, pageOf } from "./common.js";

export const RESOURCE_TYPES = ["cpu", "gpu"] as const;
export const ResourceTypeSchema = z.enum(RESOURCE_TYPES);
export type ResourceType = z.infer<typeof ResourceTypeSchema>;

export const JOB_STATUSES = [
  "queued",
  "placed",
  "running",
  "succeeded",
  "failed",
  "timed_out",
  "cancelled",
  "expired",
  "lost",
] as const;
export const JobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatusSchema>;
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = [
  "succeeded",
  "failed",
  "timed_out",
  "cancelled",
  "expired",
  "lost",
];

export const MAX_COMMAND_BYTES = 8 * 1024;
export const MAX_ENV_VARS = 64;
export const MAX_ENV_BYTES = 16 * 1024;
export const MAX_RUNTIME_SEC = 86_400;
/** Names the sandbox reserves for itself; a job may not override them. */
export const RESERVED_ENV_PREFIXES = ["WC_", "CUDA_", "LD_"] as const;

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

export const JobRequirementsSchema = z
  .object({
    cpuCores: z.number().int().min(1).max(256).default(1),
    memoryMb: z.number().int().min(64).max(2_097_152).default(512),
    gpuCount: z.number().int().min(0).max(16).default(0),
    gpuModel: z.string().min(1).max(64).optional(),
  })
  .strict();
export type JobRequirements = z.infer<typeof JobRequirementsSchema>;

export const EnvSchema = z
  .record(
    z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "must be a valid environment variable name")
      .refine((name) => !RESERVED_ENV_PREFIXES.some((p) => name.startsWith(p)), {
        message: `must not start with ${RESERVED_ENV_PREFIXES.join(", ")}`,
      }),
    z.string().max(4096),
  )
  .refine((env) => Object.keys(env).length <= MAX_ENV_VARS, {
    message: `at most ${MAX_ENV_VARS} variables`,
  })
  .refine(
    (env) =>
      Object.entries(env).reduce((n, [k, v]) => n + utf8Bytes(k) + utf8Bytes(v), 0) <=
      MAX_ENV_BYTES,
    { message: `at most ${MAX_ENV_BYTES} bytes in total` },
  );

export const SubmitJobRequestSchema = z
  .object({
    command: z
      .string()
      .min(1)
      .refine((c) => utf8Bytes(c) <= MAX_COMMAND_BYTES, {
        message: `at most ${MAX_COMMAND_BYTES} bytes`,
      })
      .refine((c) => c.trim().length > 0, { message: "must not be blank" }),
    resourceType: ResourceTypeSchema.default("cpu"),
    requirements: JobRequirementsSchema.default({ cpuCores: 1, memoryMb: 512, gpuCount: 0 }),
    maxRuntimeSec: z.number().int().min(1).max(MAX_RUNTIME_SEC).default(3600),
    queueTimeoutSec: z
      .number()
      .int()
      .min(1)
      .max(7 * 86_400)
      .default(600),
    env: EnvSchema.default({}),
    networkAccess: z.boolean().default(false),
  })
  .strict()
  .superRefine((job, ctx) => {
    if (job.resourceType === "gpu" && job.requirements.gpuCount < 1) {
      ctx.addIssue({
        code: "custom",
        path: ["requirements", "gpuCount"],
        message: "a gpu job needs gpuCount >= 1",
      });
    }
    if (job.resourceType === "cpu" && job.requirements.gpuCount > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["requirements", "gpuCount"],
        message: "a cpu job must have gpuCount 0",
      });
    }
  });
export type SubmitJobRequest = z.infer<typeof SubmitJobRequestSchema>;

export const JobTransitionSchema = z.object({
  status: JobStatusSchema,
  at: TimestampSchema,
  reason: z.string(),
  attempt: z.number().int().nonnegative(),
  nodeId: IdSchema.optional(),
});

export const JobUsageSchema = z.object({
  wallSeconds: z.number().nonnegative(),
  cpuSeconds: z.number().nonnegative(),
  peakRssMb: z.number().nonnegative(),
  gpuSeconds: z.number().nonnegative(),
  energyKwhMeasured: z.number().nonnegative().optional(),
});
export type JobUsage = z.infer<typeof JobUsageSchema>;

export const JobCostSchema = z.object({
  grossMicros: MicrosSchema,
  discountMicros: MicrosSchema,
  netMicros: MicrosSchema,
  currency: z.literal("USD"),
});

export const JobCarbonSchema = z.object({
  energyKwh: z.number().nonnegative(),
  energySource: z.enum(["measured", "estimated"]),
  emittedGrams: z.number().nonnegative(),
  avoidedGrams: z.number(),
  coefficientsVersion: z.string(),
});

/** The buyer's view of a job. */
export const JobSchema = z.object({
  id: IdSchema,
  buyerId: IdSchema,
  status: JobStatusSchema,
  command: z.string(),
  resourceType: ResourceTypeSchema,
  requirements: JobRequirementsSchema,
  maxRuntimeSec: z.number().int(),
  queueTimeoutSec: z.number().int(),
  networkAccess: z.boolean(),
  envNames: z.array(z.string()),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  attempt: z.number().int().nonnegative(),
  nodeId: IdSchema.optional(),
  exitCode: z.number().int().optional(),
  signal: z.string().optional(),
  failureReason: z.string().optional(),
  transitions: z.array(JobTransitionSchema),
  usage: JobUsageSchema.optional(),
  cost: JobCostSchema.optional(),
  carbon: JobCarbonSchema.optional(),
  logBytes: z.number().int().nonnegative(),
});
export type Job = z.infer<typeof JobSchema>;

export const JobListQuerySchema = PageQuerySchema.extend({
  status: z
    .string()
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(z.array(JobStatusSchema))
    .optional(),
});
export const JobListSchema = pageOf(JobSchema);
export type JobList = z.infer<typeof JobListSchema>;

export const LogQuerySchema = z.object({
  offset: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(4 * 1024 * 1024)
    .default(1024 * 1024),
});

/** `GET /api/jobs/{id}/logs?offset=N`: text from byte `offset`; `nextOffset` resumes without gaps or repeats. */
export const JobLogSliceSchema = z.object({
  jobId: IdSchema,
  offset: z.number().int().nonnegative(),
  nextOffset: z.number().int().nonnegative(),
  data: z.string(),
  status: JobStatusSchema,
  complete: z.boolean(),
});
export type JobLogSlice = z.infer<typeof JobLogSliceSchema>;

export const ArtifactSchema = z.object({
  name: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  url: z.string(),
  expiresAt: TimestampSchema.optional(),
});
export const ArtifactListSchema = z.object({ items: z.array(ArtifactSchema) });

/** The seed's documented `POST /api/jobs/submit/` body, kept for existing clients. */
export const LegacySubmitJobRequestSchema = z
  .object({
    command: z.string().min(1),
    max_runtime: z.number().int().min(1).max(MAX_RUNTIME_SEC).default(3600),
    resource_type: z
      .enum(["cpu", "gpu", "CPU", "GPU"])
      .default("cpu")
      .transform((v) => v.toLowerCase() as ResourceType),
  })
  .strict();
