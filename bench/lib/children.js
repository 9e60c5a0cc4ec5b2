// Child processes for the benchmarks: start with this Node, wait for a line, stop, and never
// outlive the benchmark (killed on exit even when the benchmark throws).
import { spawn } from "node:child_process";
import { clearTimeout, setTimeout } from "node:timers";
import { setTimeout as sleep } from "node:timers/promises";

const STOP_GRACE_MS = 5_000;
/** Output kept per child for error messages. */
const MAX_KEPT_OUTPUT = 20_000;
const live = new Set();

process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/** Starts `node script ...args`; stdout and stderr are kept (bounded) for `output()`. */
export function spawnNode(script, args, { env = process.env, cwd = process.cwd() } = {}) {
  const child = spawn(process.execPath, [script, ...args], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  child.once("exit", () => live.delete(child));
  let output = "";
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-MAX_KEPT_OUTPUT);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  return { child, output: () => output };
}

/** Resolves with the first match of `pattern` in the child's stdout; fails if it exits first. */
export function waitForOutput({ child, output }, pattern, timeoutMs, what) {
  return new Promise((done, fail) => {
    let seen = "";
    const finish = (error, match) => {
      clearTimeout(timer);
      child.stdout.off("data", onData);
      child.off("exit", onExit);
      if (error === undefined) done(match);
      else fail(error);
    };
    const onData = (chunk) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match !== null) finish(undefined, match);
    };
    const onExit = (code) => finish(new Error(`${what} exited with code ${code}:\n${output()}`));
    const timer = setTimeout(
      () => finish(new Error(`${what} was not ready within ${timeoutMs} ms:\n${output()}`)),
      timeoutMs,
    );
    child.stdout.on("data", onData);
    child.once("exit", onExit);
  });
}

/** Waits for a started child to exit with code 0; fails with its output otherwise. */
export function waitForSuccess({ child, output }, what) {
  if (child.exitCode !== null)
    return child.exitCode === 0
      ? Promise.resolve()
      : Promise.reject(new Error(`${what} failed:\n${output()}`));
  return new Promise((done, fail) => {
    child.once("exit", (code) =>
      code === 0 ? done() : fail(new Error(`${what} failed (${code}):\n${output()}`)),
    );
  });
}

/** SIGTERM, then SIGKILL after a grace period. */
export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once("exit", done));
  child.kill("SIGTERM");
  const graceful = await Promise.race([exited.then(() => true), sleep(STOP_GRACE_MS, false)]);
  if (!graceful) {
    child.kill("SIGKILL");
    await exited;
  }
}
