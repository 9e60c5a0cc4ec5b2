// Stops a child process the tests started: SIGTERM, then SIGKILL if it has not exited in 5 s.
import type { ChildProcess } from "node:child_process";

const KILL_AFTER_MS = 5_000;

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS);
    child.once("exit", () => {
      clearTimeout(force);
      done();
    });
    child.kill("SIGTERM");
  });
}
