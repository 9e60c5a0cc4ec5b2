// Terminal logging for the host and per invocation: time, level, function, short invocation id, message.
import pc from "picocolors";
import type { HostLogger } from "./extension.js";

export type LogLevel = "trace" | "debug" | "information" | "warning" | "error" | "critical";

export interface LogRecord {
  time: Date;
  level: LogLevel;
  message: string;
  functionName?: string;
  invocationId?: string;
}

/** Where log records go; a test or benchmark can pass its own. */
export interface LogSink {
  write(record: LogRecord): void;
}

const rank: Record<LogLevel, number> = {
  trace: 0,
  debug: 1,
  information: 2,
  warning: 3,
  error: 4,
  critical: 5,
};
const label: Record<LogLevel, string> = {
  trace: "TRACE",
  debug: "DEBUG",
  information: "INFO ",
  warning: "WARN ",
  error: "ERROR",
  critical: "CRIT ",
};
const paint: Record<LogLevel, (s: string) => string> = {
  trace: pc.gray,
  debug: pc.gray,
  information: pc.green,
  warning: pc.yellow,
  error: pc.red,
  critical: pc.red,
};

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && value in rank;
}

/** Maps the worker's RPC level names (and host.json names like "Information") to ours. */
export function toLogLevel(value: unknown): LogLevel {
  if (typeof value !== "string") return "information";
  const lower = value.toLowerCase();
  if (lower === "info") return "information";
  if (lower === "warn") return "warning";
  return isLogLevel(lower) ? lower : "information";
}

// Connection-string keys, SAS signatures and bearer tokens must never reach a terminal or file.
const secretPatterns: readonly RegExp[] = [
  /(AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd|ApiKey|Secret)=([^;&\s"']+)/gi,
  /([?&]sig=)([^&\s"']+)/gi,
  /(Bearer\s+)([A-Za-z0-9._~+/=-]+)/g,
];

export function redactSecrets(message: string): string {
  let out = message;
  for (const pattern of secretPatterns) {
    out = out.replace(pattern, (_m, key: string) =>
      key.endsWith("=") || key.endsWith(" ") ? `${key}***` : `${key}=***`,
    );
  }
  return out;
}

function shortId(invocationId: string): string {
  return invocationId.slice(0, 8);
}

export function formatRecord(record: LogRecord, color: boolean): string {
  const time = record.time.toISOString().slice(11, 23);
  const level = label[record.level];
  const where =
    record.functionName === undefined
      ? "[host]"
      : `[${record.functionName}${record.invocationId === undefined ? "" : `#${shortId(record.invocationId)}`}]`;
  const message = redactSecrets(record.message);
  if (!color) return `${time} ${level} ${where} ${message}`;
  return `${pc.dim(time)} ${paint[record.level](level)} ${pc.cyan(where)} ${message}`;
}

export interface ConsoleSinkOptions {
  minLevel?: LogLevel;
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  color?: boolean;
}

/** Writes readable lines to a stream (stdout by default), coloured when it is a terminal. */
export function createConsoleSink(options: ConsoleSinkOptions = {}): LogSink {
  const stream = options.stream ?? process.stdout;
  const minRank = rank[options.minLevel ?? "information"];
  const color = options.color ?? (stream.isTTY === true && process.env.NO_COLOR === undefined);
  return {
    write(record) {
      if (rank[record.level] < minRank) return;
      stream.write(`${formatRecord(record, color)}\n`);
    },
  };
}

/** A sink that drops everything, e.g. for benchmarks. */
export const silentSink: LogSink = { write() {} };

function withFields(message: string, fields: Record<string, unknown> | undefined): string {
  if (fields === undefined || Object.keys(fields).length === 0) return message;
  return `${message} ${JSON.stringify(fields)}`;
}

/** The HostLogger handed to extensions, writing host-level records to `sink`. */
export function hostLogger(sink: LogSink, source?: string): HostLogger {
  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    const text = withFields(source === undefined ? message : `${source}: ${message}`, fields);
    sink.write({ time: new Date(), level, message: text });
  };
  return {
    info: (message, fields) => emit("information", message, fields),
    warn: (message, fields) => emit("warning", message, fields),
    error: (message, fields) => emit("error", message, fields),
  };
}
