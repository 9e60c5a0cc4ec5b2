// How the stack knows a child is up: its ports accept connections, a URL answers, a line of its
// output matches, or (for run-once steps) it exited with 0.
import { portAnswers } from "./ports.js";

export type Readiness =
  | { kind: "ports"; host: string; ports: readonly number[] }
  | {
      kind: "http";
      url: string;
      /** Only 2xx counts (health checks) rather than any answer below 500. */ strict: boolean;
    }
  | { kind: "pattern"; pattern: RegExp }
  | { kind: "exit" }
  | { kind: "none" };

const PROBE_TIMEOUT_MS = 2_000;

async function urlAnswers(url: string, strict: boolean): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.body?.cancel();
    return strict ? response.ok : response.status < 500;
  } catch {
    return false;
  }
}

/** One probe for the kinds that are polled; undefined for the kinds driven by the child itself. */
export async function probe(readiness: Readiness): Promise<boolean | undefined> {
  switch (readiness.kind) {
    case "ports":
      return (
        await Promise.all(readiness.ports.map((port) => portAnswers(port, readiness.host)))
      ).every(Boolean);
    case "http":
      return urlAnswers(readiness.url, readiness.strict);
    default:
      return undefined;
  }
}
