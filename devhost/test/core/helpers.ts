// Shared helpers for devhost core tests: fixture paths, a capturing log sink, polling.
import { fileURLToPath } from "node:url";
import type { LogRecord, LogSink } from "../../src/logging.js";

export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

export interface CapturingSink extends LogSink {
  records: LogRecord[];
}

export function capturingSink(): CapturingSink {
  const records: LogRecord[] = [];
  return { records, write: (record) => void records.push(record) };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
