// The real seller agent CLI against the local stack (devhost + Azurite + Cosmos server): register,
// run sandboxed jobs whose output reaches the buyer, survive kill -9 (retried elsewhere, billed
// once) and drain.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Job, JobLogSlice } from "@wastecompute/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listJobLedgerEntries } from "../../functions/store/ledger.js";
import { api, eventually, jobReaches } from "../support/api-client.js";
import { startTestStack, type TestStack } from "../support/stack.js";

/** Each test drives real processes on a shared machine: generous, but bounded. */
const E2E_TIMEOUT_MS = 180_000;
const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const agentCli = join(repoRoot, "agent/dist/cli.js");

let stack: TestStack;
let scratch: string;
const children: ChildProcess[] = [];

/** One agent installation: its own config file, state dir and work root. */
interface Installation {
  name: string;
  env: NodeJS.ProcessEnv;
  stateDir: string;
  workRoot: string;
}

async function install(name: string): Promise<Installation> {
  return {
    name,
    env: { ...process.env, WC_AGENT_CONFIG: join(scratch, name, "agent.json"), NO_COLOR: "1" },
    stateDir: join(scratch, name, "state"),
    workRoot: join(scratch, name, "work"),
  };
}

function cli(
  inst: Installation,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [agentCli, ...args], { env: inst.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

/** Starts `run`; its JSON-lines output is collected for assertions and failure messages. */
function startAgent(inst: Installation, extra: string[] = []) {
  const child = spawn(
    process.execPath,
    [
      agentCli,
      "run",
      "--json",
      "--state-dir",
      inst.stateDir,
      "--work-root",
      inst.workRoot,
      "--kill-grace",
      "1",
      ...extra,
    ],
    { env: inst.env },
  );
  children.push(child);
  const lines: string[] = [];
  child.stdout?.on("data", (d: Buffer) => lines.push(...d.toString().split("\n").filter(Boolean)));
  child.stderr?.on("data", (d: Buffer) => lines.push(...d.toString().split("\n").filter(Boolean)));
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  return {
    child,
    lines,
    exited,
    events: () =>
      lines.flatMap((l) =>
        l.startsWith("{") ? [JSON.parse(l) as { event: string; [k: string]: unknown }] : [],
      ),
  };
}

async function register(inst: Installation, slots = 1): Promise<string> {
  const result = await cli(inst, [
    "register",
    "--json",
    "--api",
    stack.apiUrl,
    "--key",
    stack.keys.seller,
    "--name",
    inst.name,
    "--region",
    "DE",
    "--timezone",
    "UTC",
    "--slots",
    String(slots),
    "--max-owner-load",
    "1",
  ]);
  expect(result.code, result.stderr).toBe(0);
  const registered = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}") as {
    nodeId: string;
  };
  return registered.nodeId;
}

/** Waits for a terminal status; on timeout the error carries the agent's own log lines. */
async function finalStatus(jobId: string, agentLines: string[], timeoutMs = 90_000): Promise<Job> {
  try {
    return await jobReaches(
      stack.apiUrl,
      stack.keys.buyer,
      jobId,
      ["succeeded", "failed", "lost", "timed_out", "cancelled"],
      timeoutMs,
    );
  } catch (error) {
    const job = await api(stack.apiUrl, "GET", `/api/jobs/${jobId}`, { key: stack.keys.buyer });
    throw new Error(`${error instanceof Error ? error.message : String(error)}
job: ${job.text}
agent output:
${agentLines.join("\n")}
platform output (tail):
${stack.hostOutput().slice(-4000)}`);
  }
}

const submit = (body: unknown) =>
  api<Job>(stack.apiUrl, "POST", "/api/jobs", { key: stack.keys.buyer, body });
const logsOf = async (jobId: string) =>
  (
    await api<JobLogSlice>(stack.apiUrl, "GET", `/api/jobs/${jobId}/logs?offset=0`, {
      key: stack.keys.buyer,
    })
  ).body;

beforeAll(async () => {
  if (!existsSync(agentCli)) throw new Error(`${agentCli} is missing: run \`npm run build\` first`);
  scratch = await mkdtemp(join(tmpdir(), "wc-agent-e2e-"));
  // Work dirs live here; the job's unprivileged user must be able to enter them.
  await chmod(scratch, 0o711);
  stack = await startTestStack({
    env: {
      WC_HEARTBEAT_INTERVAL_SEC: "1",
      WC_NODE_STALE_SEC: "4",
      WC_ACCEPT_TIMEOUT_SEC: "20",
      WC_PLACEMENT_RETRY_SEC: "1",
      WC_REAPER_SCHEDULE: "*/2 * * * * *",
    },
  });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await stack?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("seller agent end to end", () => {
  it(
    "a wrong seller key is one clear error and exit code 2",
    async () => {
      const inst = await install("wrong-key");
      const result = await cli(inst, [
        "register",
        "--json",
        "--api",
        stack.apiUrl,
        "--key",
        "wc_not_a_key",
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/rejected the seller key/);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "registers, runs a submitted job in the sandbox, streams its output to the buyer, finishes and bills once",
    async () => {
      const inst = await install("alpha");
      const nodeId = await register(inst, 2);
      const agent = startAgent(inst);
      try {
        const submitted = await submit({
          command:
            'echo "hello from $WC_JOB_ID"; echo to-stderr >&2; sleep 2; echo done > "$WC_OUTPUT_DIR/result.txt"; echo bye',
          requirements: { cpuCores: 1, memoryMb: 256 },
        });
        expect(submitted.status, submitted.text).toBe(202);
        const jobId = submitted.body.id;
        // Live: the first line is visible to the buyer while the job still sleeps.
        const early = await eventually(
          async () => {
            const slice = await logsOf(jobId);
            return slice.data.includes("hello from") ? slice : undefined;
          },
          "live output",
          30_000,
          200,
        );
        expect(early.complete).toBe(false);
        const done = await finalStatus(jobId, agent.lines);
        expect(done.status, agent.lines.join("\n")).toBe("succeeded");
        expect(done.nodeId).toBe(nodeId);
        expect(done.exitCode).toBe(0);
        expect((await logsOf(jobId)).data).toBe(`hello from ${jobId}\nto-stderr\nbye\n`);
        const entries = await listJobLedgerEntries(jobId);
        expect(entries.map((e) => e.kind).sort()).toEqual(["charge", "earning", "fee"]);
        const artifacts = await api<unknown>(stack.apiUrl, "GET", `/api/jobs/${jobId}/artifacts`, {
          key: stack.keys.buyer,
        });
        expect(artifacts.text).toContain("result.txt");

        const missing = await submit({ command: "definitely-not-a-command-wc" });
        const failed = await finalStatus(missing.body.id, agent.lines);
        expect(failed.status).toBe("failed");
        expect(failed.exitCode).toBe(127);
        expect((await logsOf(missing.body.id)).data).toMatch(/not found/);

        const status = await cli(inst, ["status", "--json", "--state-dir", inst.stateDir]);
        const view = JSON.parse(status.stdout) as {
          alive: boolean;
          nodeId: string;
          recent: Array<{ jobId: string }>;
          running: unknown[];
        };
        expect(view).toMatchObject({ alive: true, nodeId });
        expect(view.recent.map((r) => r.jobId)).toContain(jobId);
        expect(status.stdout).not.toContain("wcl_");
      } finally {
        agent.child.kill("SIGTERM");
        expect(await agent.exited).toBe(0);
      }
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "kill -9 mid-job: the job is retried on a second agent and billed once",
    async () => {
      const first = await install("crashy");
      const firstNode = await register(first);
      const crashy = startAgent(first);
      const submitted = await submit({
        command: "echo begin; sleep 5; echo end",
        maxRuntimeSec: 120,
      });
      const jobId = submitted.body.id;
      await jobReaches(stack.apiUrl, stack.keys.buyer, jobId, ["running"], 30_000);
      await eventually(
        async () => ((await logsOf(jobId)).data.includes("begin") ? true : undefined),
        "first attempt's output",
        20_000,
        200,
      );
      crashy.child.kill("SIGKILL");
      await crashy.exited;

      const second = await install("steady");
      const secondNode = await register(second);
      const steady = startAgent(second);
      try {
        const done = await finalStatus(jobId, steady.lines);
        expect(done.status, steady.lines.join("\n")).toBe("succeeded");
        expect(done.nodeId).toBe(secondNode);
        expect(done.nodeId).not.toBe(firstNode);
        expect(done.attempt).toBeGreaterThanOrEqual(1);
        const entries = await listJobLedgerEntries(jobId);
        expect(entries.filter((e) => e.kind === "charge")).toHaveLength(1);

        // The crashed agent restarts: it reports the job it lost, which the platform has moved on from.
        const restarted = startAgent(first);
        await eventually(
          async () =>
            restarted
              .events()
              .some((e) => e.event === "job.lost_report_failed" || e.event === "job.reported_lost")
              ? true
              : undefined,
          "lost-job report",
          20_000,
        );
        restarted.child.kill("SIGTERM");
        expect(await restarted.exited).toBe(0);
        expect((await listJobLedgerEntries(jobId)).filter((e) => e.kind === "charge")).toHaveLength(
          1,
        );
      } finally {
        steady.child.kill("SIGTERM");
        await steady.exited;
      }
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "drain: the running job finishes, the agent takes no more work and exits",
    async () => {
      const inst = await install("drainer");
      await register(inst);
      const agent = startAgent(inst);
      const submitted = await submit({ command: "echo working; sleep 3; echo finished" });
      await jobReaches(stack.apiUrl, stack.keys.buyer, submitted.body.id, ["running"], 30_000);
      const drained = await cli(inst, [
        "drain",
        "--json",
        "--state-dir",
        inst.stateDir,
        "--key",
        stack.keys.seller,
      ]);
      expect(drained.code, drained.stderr).toBe(0);
      expect(JSON.parse(drained.stdout)).toMatchObject({ agentSignalled: true, platform: "told" });
      expect(await agent.exited).toBe(0);
      const done = await finalStatus(submitted.body.id, agent.lines, 10_000);
      expect(done.status).toBe("succeeded");
      expect((await logsOf(submitted.body.id)).data).toBe("working\nfinished\n");
      const status = await cli(inst, ["status", "--json", "--state-dir", inst.stateDir]);
      expect(JSON.parse(status.stdout)).toMatchObject({ alive: false, status: "stopped" });
    },
    E2E_TIMEOUT_MS,
  );
});
