// Reads the parts of host.json devhost honours into typed settings with the host's defaults.

/** Queue trigger settings (`extensions.queues`), durations in milliseconds. */
export interface QueueSettings {
  batchSize: number;
  newBatchThreshold: number;
  maxPollingIntervalMs: number;
  visibilityTimeoutMs: number;
  maxDequeueCount: number;
  messageEncoding: "base64" | "none";
}

export interface HostConfig {
  /** Prefix of every HTTP route, without slashes ("" for none). */
  routePrefix: string;
  queues: QueueSettings;
  raw: Record<string, unknown>;
}

/** The host's documented defaults. */
export const DEFAULT_QUEUE_SETTINGS: QueueSettings = Object.freeze({
  batchSize: 16,
  newBatchThreshold: 8,
  maxPollingIntervalMs: 60_000,
  visibilityTimeoutMs: 0,
  maxDequeueCount: 5,
  messageEncoding: "base64",
});
const MAX_BATCH_SIZE = 32;
const MIN_POLLING_INTERVAL_MS = 100;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses a .NET TimeSpan ("[d.]hh:mm:ss[.fff]"). host.json v1 also allowed plain milliseconds
 * for maxPollingInterval, so numbers are taken as milliseconds.
 */
export function parseTimeSpanMs(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== "string") return undefined;
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?$/.exec(value.trim());
  if (match === null) return undefined;
  const [, days = "0", hours = "0", minutes = "0", seconds = "0", fraction = ""] = match;
  const fractionMs = fraction === "" ? 0 : Number(`0.${fraction}`) * 1000;
  return (
    ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 +
    Number(seconds) * 1000 +
    fractionMs
  );
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}

function nonNegativeInt(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}

export function parseQueueSettings(queues: unknown): QueueSettings {
  const q = isRecord(queues) ? queues : {};
  const batchSize = Math.min(
    positiveInt(q.batchSize) ?? DEFAULT_QUEUE_SETTINGS.batchSize,
    MAX_BATCH_SIZE,
  );
  const encoding =
    typeof q.messageEncoding === "string" ? q.messageEncoding.toLowerCase() : "base64";
  return {
    batchSize,
    newBatchThreshold: nonNegativeInt(q.newBatchThreshold) ?? Math.floor(batchSize / 2),
    maxPollingIntervalMs: Math.max(
      parseTimeSpanMs(q.maxPollingInterval) ?? DEFAULT_QUEUE_SETTINGS.maxPollingIntervalMs,
      MIN_POLLING_INTERVAL_MS,
    ),
    visibilityTimeoutMs:
      parseTimeSpanMs(q.visibilityTimeout) ?? DEFAULT_QUEUE_SETTINGS.visibilityTimeoutMs,
    maxDequeueCount: positiveInt(q.maxDequeueCount) ?? DEFAULT_QUEUE_SETTINGS.maxDequeueCount,
    messageEncoding: encoding === "none" ? "none" : "base64",
  };
}

export function parseHostConfig(hostJson: unknown): HostConfig {
  const raw = isRecord(hostJson) ? hostJson : {};
  const extensions = isRecord(raw.extensions) ? raw.extensions : {};
  const http = isRecord(extensions.http) ? extensions.http : {};
  const prefix = typeof http.routePrefix === "string" ? http.routePrefix : "api";
  return {
    routePrefix: prefix.replace(/^\/+|\/+$/g, ""),
    queues: parseQueueSettings(extensions.queues),
    raw,
  };
}

/** Replaces `%Setting%` tokens (binding expressions for app settings) with values from `env`. */
export function resolveAppSettings(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(/%([^%]+)%/g, (_, name: string) => {
    const value = env[name];
    if (value === undefined)
      throw new Error(`App setting "${name}" referenced as %${name}% is not set.`);
    return value;
  });
}
