// Tuning knobs of the marketplace (timeouts, intervals, limits), read from WC_* environment
// variables once, with production defaults; tests shorten them to run in seconds.
import { z } from "zod";

const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);

const SettingsSchema = z.object({
  /** A node whose last heartbeat is older than this is offline and its jobs are lost. */
  WC_NODE_STALE_SEC: seconds(45),
  /** How often agents are asked to heartbeat. */
  WC_HEARTBEAT_INTERVAL_SEC: z.coerce.number().int().positive().default(15),
  /** Time an agent has to call start after a dispatch before the job goes elsewhere. */
  WC_ACCEPT_TIMEOUT_SEC: seconds(30),
  /** Slack after maxRuntimeSec before a silent node's job counts as lost. */
  WC_DEADLINE_GRACE_SEC: seconds(60),
  /** How long a cancelled job's agent has to report that it stopped. */
  WC_CANCEL_GRACE_SEC: seconds(60),
  /** First wait between placement tries when no node has room; doubles up to the max. */
  WC_PLACEMENT_RETRY_SEC: seconds(2),
  WC_PLACEMENT_RETRY_MAX_SEC: seconds(30),
  /** Lifetime of the queue SAS handed to agents; refreshed by heartbeats near expiry. */
  WC_QUEUE_ACCESS_TTL_SEC: seconds(3600),
  /** Six-field NCRONTAB schedule of the stale-node reaper. */
  WC_REAPER_SCHEDULE: z.string().trim().min(1).default("*/15 * * * * *"),
});

export type PlatformSettings = {
  nodeStaleSec: number;
  heartbeatIntervalSec: number;
  acceptTimeoutSec: number;
  deadlineGraceSec: number;
  cancelGraceSec: number;
  placementRetrySec: number;
  placementRetryMaxSec: number;
  queueAccessTtlSec: number;
  reaperSchedule: string;
};

export function loadPlatformSettings(env: NodeJS.ProcessEnv = process.env): PlatformSettings {
  const v = SettingsSchema.parse(env);
  return {
    nodeStaleSec: v.WC_NODE_STALE_SEC,
    heartbeatIntervalSec: v.WC_HEARTBEAT_INTERVAL_SEC,
    acceptTimeoutSec: v.WC_ACCEPT_TIMEOUT_SEC,
    deadlineGraceSec: v.WC_DEADLINE_GRACE_SEC,
    cancelGraceSec: v.WC_CANCEL_GRACE_SEC,
    placementRetrySec: v.WC_PLACEMENT_RETRY_SEC,
    placementRetryMaxSec: v.WC_PLACEMENT_RETRY_MAX_SEC,
    queueAccessTtlSec: v.WC_QUEUE_ACCESS_TTL_SEC,
    reaperSchedule: v.WC_REAPER_SCHEDULE,
  };
}

let cached: PlatformSettings | undefined;

export function platformSettings(): PlatformSettings {
  cached ??= loadPlatformSettings();
  return cached;
}
