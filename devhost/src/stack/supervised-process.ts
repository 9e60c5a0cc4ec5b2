// One child process of the stack: started in its own process group, its output prefixed with its
// name, watched until ready, restarted with back-off when it exits unexpectedly, and stopped with
// SIGTERM then SIGKILL.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { probe, type Readiness } from "./readiness.js";
import type { Reporter } from "./reporter.js";
import { StackError } from "./stack-error.js";

export interface ProcessSpec {
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  readiness: Readiness;
  readyTimeoutMs: number;
  /** What the user should do when it cannot start: the end of the one error line. */
  hint: string;
  /** Opens an IPC channel so a Node child can notice its parent is gone. */
  ipc?: boolean;
}

export interface RestartPolicy {
  maxRestarts: number;
  backoffMs(attempt: number): number;
  /** A child that stayed up this long starts a fresh series of restarts when it next exits. */
  stableMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  maxRestarts: 3,
  backoffMs: (attempt) => 1_000 * 2 ** (attempt - 1),
  stableMs: 30_000,
};

const RECENT_LINES = 15;
const POLL_MS = 150;
// Strips ANSI colour codes so readiness patterns match what a person reads.
// eslint-disable-next-line no-control-regex -- matching the ESC that starts an ANSI sequence is the point
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once("exit", () => done()));
}

/** Why one launch did not become ready, without the hint. */
class LaunchFailure extends Error {}

export class SupervisedProcess {
  private onLine: ((line: string) => void) | undefined;
  private child: ChildProcess | undefined;
  private stopping = false;
  private readyAt = 0;
  private restartAttempt = 0;
  private readonly recent: string[] = [];

  constructor(
    readonly spec: ProcessSpec,
    private readonly reporter: Reporter,
    private readonly policy: RestartPolicy,
    /** Called when restarts are used up. */
    private readonly onGiveUp: (error: StackError) => void,
  ) {}

  private lastLinesReport(): string[] {
    return this.recent.length === 0
      ? []
      : [`last output of ${this.spec.name}:`, ...this.recent.map((line) => `  ${line}`)];
  }

  /** Spawns the child and resolves once it is ready (a run-once step: once it exited with 0). */
  async start(): Promise<void> {
    try {
      await this.launch();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new StackError(
        `${this.spec.name} could not start (${reason}): ${this.spec.hint}`,
        this.lastLinesReport(),
      );
    }
  }

  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    signalGroup(child, "SIGTERM");
    const graceful = await Promise.race([
      exited(child).then(() => true),
      sleep(graceMs).then(() => false),
    ]);
    if (!graceful)
      this.reporter.warn(`${this.spec.name} did not stop within ${graceMs / 1000} s; killing it`);
    // Also ends grandchildren (e.g. vite under npm) that outlive the group leader.
    signalGroup(child, "SIGKILL");
    await exited(child);
  }

  private spawnChild(): ChildProcess {
    const { spec } = this;
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: spec.ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream === null) continue;
      createInterface({ input: stream, crlfDelay: Infinity }).on("line", (raw: string) => {
        const line = raw.replace(ANSI, "");
        this.recent.push(line);
        if (this.recent.length > RECENT_LINES) this.recent.shift();
        this.reporter.output(spec.name, raw);
        this.onLine?.(line);
      });
    }
    return child;
  }

  private async launch(): Promise<void> {
    const child = this.spawnChild();
    this.child = child;
    try {
      await this.untilReady(child);
    } catch (error) {
      signalGroup(child, "SIGKILL");
      throw error;
    }
    this.readyAt = Date.now();
    if (this.spec.readiness.kind !== "exit") {
      child.once("exit", (code, signal) => {
        if (!this.stopping && this.child === child) void this.restart(describeExit(code, signal));
      });
    }
  }

  private untilReady(child: ChildProcess): Promise<void> {
    const { readiness, readyTimeoutMs } = this.spec;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (failure?: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.onLine = undefined;
        if (failure === undefined) resolve();
        else reject(new LaunchFailure(failure));
      };
      const timer = setTimeout(
        () => finish(`not ready after ${readyTimeoutMs / 1000} s`),
        readyTimeoutMs,
      );
      if (readiness.kind === "pattern") {
        this.onLine = (line) => {
          if (readiness.pattern.test(line)) finish();
        };
      }
      child.once("error", (error) => finish(error.message));
      child.once("exit", (code, signal) => {
        if (readiness.kind === "exit" && code === 0) finish();
        else finish(describeExit(code, signal));
      });
      if (readiness.kind === "none") finish();
      const poll = async (): Promise<void> => {
        while (!settled) {
          if ((await probe(readiness)) === true) return finish();
          await sleep(POLL_MS);
        }
      };
      if (readiness.kind === "ports" || readiness.kind === "http") void poll();
    });
  }

  private async restart(exit: string): Promise<void> {
    if (Date.now() - this.readyAt >= this.policy.stableMs) this.restartAttempt = 0;
    let lastExit = exit;
    while (this.restartAttempt < this.policy.maxRestarts) {
      this.restartAttempt += 1;
      const delay = this.policy.backoffMs(this.restartAttempt);
      this.reporter.warn(
        `${this.spec.name} exited unexpectedly (${lastExit}); restarting in ${delay / 1000} s (attempt ${this.restartAttempt} of ${this.policy.maxRestarts})`,
      );
      await sleep(delay);
      if (this.stopping) return;
      try {
        await this.launch();
        this.reporter.notice(`${this.spec.name} is running again`);
        return;
      } catch (error) {
        // Stopped while relaunching: not a failure to report.
        if (this.stopping) return;
        lastExit = error instanceof Error ? error.message : String(error);
      }
    }
    this.onGiveUp(
      new StackError(
        `${this.spec.name} kept exiting (${lastExit}); gave up after ${this.policy.maxRestarts} restarts: ${this.spec.hint}`,
        this.lastLinesReport(),
      ),
    );
  }
}
