import { describe, expect, it } from "vitest";
import type { Reporter } from "../../src/stack/reporter.js";
import type { StackError } from "../../src/stack/stack-error.js";
import {
  type ProcessSpec,
  type RestartPolicy,
  SupervisedProcess,
} from "../../src/stack/supervised-process.js";

function recordingReporter(): Reporter & { lines: string[] } {
  const lines: string[] = [];
  const add = (text: string): void => void lines.push(text);
  return {
    lines,
    alignNames: () => undefined,
    output: (name, text) => add(`${name}| ${text}`),
    starting: (part) => add(`starting ${part}`),
    ready: (part) => add(`ready ${part}`),
    notice: add,
    warn: add,
    error: add,
    summary: () => undefined,
  };
}

const quickRestarts: RestartPolicy = { maxRestarts: 2, backoffMs: () => 10, stableMs: 60_000 };

function nodeSpec(name: string, script: string, readiness: ProcessSpec["readiness"]): ProcessSpec {
  return {
    name,
    command: process.execPath,
    args: ["-e", script],
    cwd: process.cwd(),
    env: process.env,
    readiness,
    readyTimeoutMs: 10_000,
    hint: "do the thing",
  };
}

describe("supervised child processes", () => {
  it("reports a run-once step that fails with its exit code, the hint and its last lines", async () => {
    const child = new SupervisedProcess(
      nodeSpec("setup", "console.log('one'); console.error('two'); process.exit(4)", {
        kind: "exit",
      }),
      recordingReporter(),
      quickRestarts,
      () => undefined,
    );
    const error: StackError = await child.start().then(
      () => {
        throw new Error("expected a failure");
      },
      (failure: StackError) => failure,
    );
    expect(error.message).toBe("setup could not start (exit code 4): do the thing");
    expect(error.details[0]).toBe("last output of setup:");
    expect([...error.details.slice(1)].sort()).toEqual(["  one", "  two"]);
  });

  it("restarts a child that keeps exiting, then gives up after the allowed restarts", async () => {
    const reporter = recordingReporter();
    let gaveUp: StackError | undefined;
    const child = new SupervisedProcess(
      nodeSpec("flaky", "console.log('up'); setTimeout(() => process.exit(3), 50)", {
        kind: "pattern",
        pattern: /^up$/,
      }),
      reporter,
      quickRestarts,
      (error) => (gaveUp = error),
    );
    await child.start();
    await expect.poll(() => gaveUp, { timeout: 10_000 }).toBeDefined();
    expect(gaveUp!.message).toBe(
      "flaky kept exiting (exit code 3); gave up after 2 restarts: do the thing",
    );
    expect(reporter.lines).toContain(
      "flaky exited unexpectedly (exit code 3); restarting in 0.01 s (attempt 1 of 2)",
    );
    expect(reporter.lines).toContain("flaky is running again");
    await child.stop(1_000);
  });

  it("kills a child that ignores SIGTERM once the grace period is over", async () => {
    const reporter = recordingReporter();
    const child = new SupervisedProcess(
      nodeSpec(
        "stubborn",
        "process.on('SIGTERM', () => console.log('ignoring')); console.log('up'); setInterval(() => {}, 1000)",
        { kind: "pattern", pattern: /^up$/ },
      ),
      reporter,
      quickRestarts,
      () => undefined,
    );
    await child.start();
    const started = Date.now();
    await child.stop(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(reporter.lines).toContain("stubborn did not stop within 0.3 s; killing it");
    expect(reporter.lines.some((line) => line.includes("exited unexpectedly"))).toBe(false);
  });

  it("fails a child that is not ready in time", async () => {
    const child = new SupervisedProcess(
      {
        ...nodeSpec("slow", "setInterval(() => {}, 1000)", { kind: "pattern", pattern: /never/ }),
        readyTimeoutMs: 200,
      },
      recordingReporter(),
      quickRestarts,
      () => undefined,
    );
    await expect(child.start()).rejects.toThrow(
      "slow could not start (not ready after 0.2 s): do the thing",
    );
  });
});
