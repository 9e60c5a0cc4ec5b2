// The agent protocol: the dispatch message on a node's queue and the calls an agent makes with its
// node token plus the job's lease token.
import { z } from "zod";
import { IdSchema, TimestampSchema } from "./common.js";
import { JobRequirementsSchema, ResourceTypeSchema } from "./jobs.js";

/** Queue `node-<nodeId>` carries one of these per placement attempt. */
export const DispatchMessageSchema = z.object({
  kind: z.literal("job"),
  jobId: IdSchema,
  attempt: z.number().int().nonnegative(),
  /** Bound to this job, node and attempt: a stale lease is refused with 409. */
  leaseToken: z.string().min(16),
  command: z.string(),
  env: z.record(z.string(), z.string()),
  resourceType: ResourceTypeSchema,
  requirements: JobRequirementsSchema,
  maxRuntimeSec: z.number().int().positive(),
  networkAccess: z.boolean(),
  /** Accept by this time (call start) or the platform places the job elsewhere. */
  acceptBy: TimestampSchema,
  /** GPU indexes reserved for this job on the node (CUDA_VISIBLE_DEVICES). */
  gpuIndexes: z.array(z.number().int().nonnegative()).default([]),
});
export type DispatchMessage = z.infer<typeof DispatchMessageSchema>;

/** Every agent call carries the lease in this header alongside `Authorization: Bearer <node token>`. */
export const LEASE_HEADER = "x-wc-lease";

export const StartJobRequestSchema = z.object({ attempt: z.number().int().nonnegative() }).strict();

export const StartJobResponseSchema = z.object({
  jobId: IdSchema,
  /** Artifacts go to `PUT /api/agent/jobs/{id}/artifacts/{name}` (raw body, lease header), each at most this size. */
  maxArtifactBytes: z.number().int().nonnegative(),
});

/** Artifact file names: one path segment, no traversal. */
export const ArtifactNameSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9._-]+$/, "must be a plain file name (letters, digits, '.', '_', '-')")
  .refine((n) => n !== "." && n !== "..", { message: "must be a plain file name" });

export const MAX_LOG_CHUNK_BYTES = 256 * 1024;

/** One ordered piece of merged stdout/stderr. Chunks are idempotent by (seq, offset). */
export const LogChunkRequestSchema = z
  .object({
    seq: z.number().int().nonnegative(),
    /** Byte offset of `data` in the job's output stream. */
    offset: z.number().int().nonnegative(),
    /** base64 so arbitrary bytes survive JSON. */
    data: z.string().max(Math.ceil((MAX_LOG_CHUNK_BYTES * 4) / 3) + 4),
  })
  .strict();
export type LogChunkRequest = z.infer<typeof LogChunkRequestSchema>;

/** The stored log length after the chunk: the agent resends from here when it sees a gap. */
export const LogChunkResponseSchema = z.object({ storedBytes: z.number().int().nonnegative() });

export const FINISH_OUTCOMES = [
  "exited",
  "timed_out",
  "cancelled",
  "preempted",
  "lost",
  "error",
] as const;

export const FinishJobRequestSchema = z
  .object({
    outcome: z.enum(FINISH_OUTCOMES),
    exitCode: z.number().int().nullable(),
    signal: z.string().max(16).nullable(),
    wallSeconds: z.number().nonnegative(),
    cpuSeconds: z.number().nonnegative(),
    peakRssMb: z.number().nonnegative(),
    gpuSeconds: z.number().nonnegative().default(0),
    energyKwhMeasured: z.number().nonnegative().optional(),
    startedAt: TimestampSchema,
    finishedAt: TimestampSchema,
    logBytes: z.number().int().nonnegative(),
    outputTruncated: z.boolean().default(false),
    artifacts: z
      .array(
        z.object({ name: z.string().min(1).max(255), sizeBytes: z.number().int().nonnegative() }),
      )
      .max(100)
      .default([]),
    detail: z.string().max(2000).optional(),
  })
  .strict();
export type FinishJobRequest = z.infer<typeof FinishJobRequestSchema>;

export const MAX_ARTIFACT_BYTES = 100 * 1024 * 1024;
