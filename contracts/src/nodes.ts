// Seller-facing node API and the marketplace view of nodes.
import { z } from "zod";
import { IdSchema, MicrosSchema, TimeZoneSchema, TimestampSchema } from "./common.js";

export const GpuSpecSchema = z.object({
  index: z.number().int().nonnegative(),
  model: z.string().min(1).max(128),
  vendor: z.string().max(64).default("unknown"),
  vramMb: z.number().int().nonnegative(),
  driver: z.string().max(64).optional(),
});
export type GpuSpec = z.infer<typeof GpuSpecSchema>;

/** What the agent detected about its machine. */
export const HardwareSpecSchema = z.object({
  cpuModel: z.string().min(1).max(256),
  cpuFamily: z.string().max(64).optional(),
  cpuCores: z.number().int().min(1).max(1024),
  cpuThreads: z.number().int().min(1).max(4096),
  cpuSpeedGhz: z.number().nonnegative().max(10),
  memoryMb: z.number().int().min(1),
  gpus: z.array(GpuSpecSchema).max(16).default([]),
  os: z.string().max(128),
  arch: z.string().max(32),
  /** cores × single-core score of the agent's built-in benchmark, so buyers can compare nodes. */
  benchmarkScore: z.number().nonnegative(),
});
export type HardwareSpec = z.infer<typeof HardwareSpecSchema>;

export const ISOLATION_LEVELS = ["bubblewrap", "none"] as const;
export const IsolationSchema = z.enum(ISOLATION_LEVELS);
export type Isolation = z.infer<typeof IsolationSchema>;

const HourSchema = z.number().int().min(0).max(24);

/** The machine owner's rules for harvesting idle time. */
export const OwnerPolicySchema = z
  .object({
    /** Take work only while the owner's own load (excluding our jobs) is below this, 0..1. */
    maxOwnerLoad: z.number().min(0).max(1).default(0.5),
    /** Local hours [start, end) when work is allowed; start > end wraps midnight. */
    allowedHours: z.object({ start: HourSchema, end: HourSchema }).default({ start: 0, end: 24 }),
    /** Stop running jobs (reported preempted) when the owner's load returns. */
    evictOnOwnerLoad: z.boolean().default(false),
    allowNetwork: z.boolean().default(false),
  })
  .strict();
export type OwnerPolicy = z.infer<typeof OwnerPolicySchema>;

export const RegisterNodeRequestSchema = z
  .object({
    name: z.string().min(1).max(64),
    region: z.string().min(2).max(64).default("world"),
    timeZone: TimeZoneSchema.default("UTC"),
    slots: z.number().int().min(1).max(256).default(1),
    hardware: HardwareSpecSchema,
    isolation: IsolationSchema,
    priceFloorMicrosPerSecond: MicrosSchema.optional(),
    /** Seller's own contract grid intensity, gCO2e/kWh; shown as an override. */
    gridIntensityOverride: z.number().min(0).max(2000).optional(),
    policy: OwnerPolicySchema.default({
      maxOwnerLoad: 0.5,
      allowedHours: { start: 0, end: 24 },
      evictOnOwnerLoad: false,
      allowNetwork: false,
    }),
    agentVersion: z.string().max(32).optional(),
  })
  .strict();
export type RegisterNodeRequest = z.infer<typeof RegisterNodeRequestSchema>;

/** How an agent reaches its own dispatch queue. */
export const QueueAccessSchema = z.object({
  queueName: z.string(),
  /** A SAS URL scoped to this node's queue (read + process), or absent in proxy mode. */
  queueUrl: z.string().optional(),
  mode: z.enum(["sas", "proxy"]),
  expiresAt: TimestampSchema,
});
export type QueueAccess = z.infer<typeof QueueAccessSchema>;

export const RegisterNodeResponseSchema = z.object({
  nodeId: IdSchema,
  /** Shown once; the platform keeps only its hash. */
  nodeToken: z.string(),
  queue: QueueAccessSchema,
  heartbeatIntervalSec: z.number().int().positive(),
});
export type RegisterNodeResponse = z.infer<typeof RegisterNodeResponseSchema>;

export const UtilisationSchema = z.object({
  cpuPercent: z.number().min(0).max(100),
  /** The owner's own CPU load, excluding the agent's jobs, 0..100. */
  ownerCpuPercent: z.number().min(0).max(100).optional(),
  memoryUsedMb: z.number().nonnegative(),
  gpuPercent: z.number().min(0).max(100).optional(),
});

export const HeartbeatRequestSchema = z
  .object({
    utilisation: UtilisationSchema,
    runningJobIds: z.array(IdSchema).max(256),
    state: z.enum(["idle", "busy", "draining", "paused"]),
    agentVersion: z.string().max(32).optional(),
  })
  .strict();
export type HeartbeatRequest = z.infer<typeof HeartbeatRequestSchema>;

export const ControlMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("cancel"), jobId: IdSchema, reason: z.string() }),
  z.object({ type: z.literal("drain") }),
  /** The platform no longer considers this job assigned here (e.g. retried elsewhere): stop it. */
  z.object({ type: z.literal("abandon"), jobId: IdSchema, reason: z.string() }),
]);
export type ControlMessage = z.infer<typeof ControlMessageSchema>;

export const HeartbeatResponseSchema = z.object({
  control: z.array(ControlMessageSchema),
  queue: QueueAccessSchema.optional(),
  heartbeatIntervalSec: z.number().int().positive(),
});
export type HeartbeatResponse = z.infer<typeof HeartbeatResponseSchema>;

export const NODE_STATUSES = ["online", "busy", "draining", "offline"] as const;
export const NodeStatusSchema = z.enum(NODE_STATUSES);

/** A node as anyone in the marketplace may see it: no secrets, no owner identity. */
export const NodePublicSchema = z.object({
  id: IdSchema,
  name: z.string(),
  region: z.string(),
  timeZone: z.string(),
  status: NodeStatusSchema,
  isolation: IsolationSchema,
  hardware: HardwareSpecSchema,
  slots: z.number().int(),
  freeSlots: z.number().int(),
  reliability: z.number().min(0).max(1),
  gridIntensity: z.number().nonnegative(),
  lastHeartbeatAt: TimestampSchema.optional(),
  utilisation: UtilisationSchema.optional(),
});
export type NodePublic = z.infer<typeof NodePublicSchema>;

/** What the owning seller sees in addition. */
export const NodeOwnerViewSchema = NodePublicSchema.extend({
  sellerId: IdSchema,
  policy: OwnerPolicySchema,
  priceFloorMicrosPerSecond: MicrosSchema.optional(),
  runningJobIds: z.array(IdSchema),
  earningsMicros: MicrosSchema,
  createdAt: TimestampSchema,
});
export type NodeOwnerView = z.infer<typeof NodeOwnerViewSchema>;

/** The seed's `POST /api/nodes/provision` body, kept for existing clients. */
export const LegacyProvisionNodeRequestSchema = z
  .object({
    name: z.string().min(1).max(64).optional(),
    cpu_cores: z.number().int().min(1).max(1024),
    memory_gb: z.number().positive().max(16384),
    gpu_count: z.number().int().min(0).max(16).default(0),
    gpu_model: z.string().max(128).optional(),
    region: z.string().min(2).max(64).default("world"),
    timezone: z.string().default("UTC"),
  })
  .strict();

export const LegacyHeartbeatRequestSchema = z
  .object({
    node_id: IdSchema,
    cpu_percent: z.number().min(0).max(100).default(0),
    memory_used_mb: z.number().nonnegative().default(0),
  })
  .strict();
