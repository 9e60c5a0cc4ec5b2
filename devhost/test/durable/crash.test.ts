// Crash survival: a devhost process killed with SIGKILL mid-orchestration leaves the task hub in a
// state a new process resumes from — running activities run again, timers fire, events arrive.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type RunningAzurite } from "../support/azurite.js";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const cli = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
const fixtureApp = fileURLToPath(new URL("./fixtures/durable-app", import.meta.url));
const READY_TIMEOUT_MS = 60_000;

interface HostProcess {
  url: string;
  child: ChildProcess;
}

let azurite: RunningAzurite;
const children: ChildProcess[] = [];

/** Runs `devhost host` (the built CLI, with the Durable extension) as its own process. */
async function spawnHost(): Promise<HostProcess> {
  const child = spawn(process.execPath, [cli, "host", "--app", fixtureApp, "--port", "0"], {
    env: { ...process.env, AzureWebJobsStorage: azurite.connectionString },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`host did not start: ${output}`)),
      READY_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /ready: .* at (http:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`host exited with ${code}: ${output}`)));
  });
  return { url, child };
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}

async function start(host: HostProcess, name: string, input: unknown): Promise<string> {
  const response = await fetch(`${host.url}/runtime/webhooks/durabletask/orchestrators/${name}`, {
    method: "POST",
    body: JSON.stringify(input),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

async function waitFor(
  host: HostProcess,
  id: string,
  statuses: string[],
): Promise<{ runtimeStatus: string; output: unknown }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await fetch(`${host.url}/runtime/webhooks/durabletask/instances/${id}`);
    const body = (await response.json()) as { runtimeStatus: string; output: unknown };
    if (statuses.includes(body.runtimeStatus)) return body;
    if (Date.now() > deadline) throw new Error(`${id} stuck at ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  // The CLI runs from the build output; tsc -b only rebuilds what changed.
  await promisify(execFile)(
    process.execPath,
    [`${repoRoot}/node_modules/typescript/bin/tsc`, "-b", "devhost"],
    {
      cwd: repoRoot,
    },
  );
  azurite = await startAzurite();
}, 180_000);

afterAll(async () => {
  for (const child of children) await kill(child, "SIGKILL");
  await azurite?.stop();
});

describe("a devhost process killed mid-orchestration", () => {
  it("resumes activities, timers and event waits in the next process", async () => {
    const first = await spawnHost();
    const slow = await start(first, "slow", { n: 21, ms: 2_000 });
    const sleeping = await start(first, "sleep", 2_000);
    const waiting = await start(first, "approval", null);
    for (const id of [slow, sleeping, waiting]) await waitFor(first, id, ["Running"]);
    await kill(first.child, "SIGKILL");

    const second = await spawnHost();
    const raised = await fetch(
      `${second.url}/runtime/webhooks/durabletask/instances/${waiting}/raiseEvent/Approve`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify("after crash"),
      },
    );
    expect(raised.status).toBe(202);
    expect(await waitFor(second, slow, ["Completed", "Failed"])).toMatchObject({
      runtimeStatus: "Completed",
      output: 42,
    });
    const woke = await waitFor(second, sleeping, ["Completed", "Failed"]);
    const times = woke.output as { started: number; woke: number };
    expect(times.woke - times.started).toBeGreaterThanOrEqual(2_000);
    expect(await waitFor(second, waiting, ["Completed", "Failed"])).toMatchObject({
      output: { decision: "after crash" },
    });
    await kill(second.child, "SIGTERM");
  });
});
