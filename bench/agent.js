// Seller agent benchmark (run after `npm run build`): sandbox overhead per job, idle RSS of
// `wastecompute-agent run`, and log throughput of a job printing 100 MB. Prints figures; the
// lead records them in docs/benchmarks.md. Not a timed test.
import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout } from "node:timers";
import { URL, fileURLToPath } from "node:url";
import { execa } from "execa";
import {
  LogStreamer,
  bubblewrapWorks,
  limitsFor,
  prepareWorkDir,
  probeHost,
  resolveRunAs,
  runSandboxed,
} from "../agent/dist/index.js";

const RUNS = 50;
const LOG_BYTES = 100 * 1000 * 1000;
const IDLE_SECONDS = 6;
const cli = fileURLToPath(new URL("../agent/dist/cli.js", import.meta.url));

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const ms = (n) => `${n.toFixed(2)} ms`;

async function timeRuns(run, runs) {
  const times = [];
  for (let i = 0; i < runs + 3; i++) {
    const started = process.hrtime.bigint();
    await run();
    if (i >= 3) times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function sandboxOverhead(root, runs) {
  const host = probeHost();
  const check = await bubblewrapWorks(host);
  const isolation = check.ok ? "bubblewrap" : "none";
  const runAs = resolveRunAs(undefined);
  const workDir = await prepareWorkDir(root, "overhead", runAs);
  const spec = {
    command: "true",
    workDir,
    jobEnv: {},
    network: false,
    gpuIndexes: [],
    limits: limitsFor({ maxRuntimeSec: 60, cpuCores: 1, memoryMb: 512 }),
    runAs,
  };
  const options = {
    isolation,
    host,
    timeoutMs: 60_000,
    killGraceMs: 1_000,
    onOutput: () => undefined,
  };
  const bare = await timeRuns(() => execa("true"), runs);
  const bareShell = await timeRuns(() => execa("sh", ["-c", "true"]), runs);
  const sandboxed = await timeRuns(() => runSandboxed(spec, options), runs);
  if (runs < RUNS) return { isolation, workDir, runAs, host };
  console.log(
    `\n# Sandbox overhead per job (${runs} runs of \`true\`, isolation: ${isolation}${check.ok ? "" : ` — ${check.reason}`})`,
  );
  console.log(`bare spawn (execa true)         p50 ${ms(bare.p50)}  p99 ${ms(bare.p99)}`);
  console.log(`bare spawn (execa sh -c true)   p50 ${ms(bareShell.p50)}  p99 ${ms(bareShell.p99)}`);
  console.log(`sandboxed (runSandboxed)        p50 ${ms(sandboxed.p50)}  p99 ${ms(sandboxed.p99)}`);
  console.log(
    `added by the sandbox            p50 ${ms(sandboxed.p50 - bare.p50)}  (target < 15 ms)`,
  );
  return { isolation, workDir, runAs, host };
}

/** A fake API + queue endpoint: heartbeats answer with nothing to do, the queue is always empty. */
async function fakePlatform() {
  let polls = 0;
  let heartbeats = 0;
  const server = createServer((req, res) => {
    if (req.url?.includes("/messages")) {
      polls++;
      res.writeHead(200, { "content-type": "application/xml", "x-ms-version": "2025-01-05" });
      res.end('<?xml version="1.0" encoding="utf-8"?><QueueMessagesList></QueueMessagesList>');
      return;
    }
    if (req.url?.endsWith("/heartbeat")) heartbeats++;
    req.resume();
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ control: [], heartbeatIntervalSec: 30 }));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: server.address().port, counts: () => ({ polls, heartbeats }) };
}

async function idleRss(root) {
  const platform = await fakePlatform();
  const configFile = join(root, "agent.json");
  const base = `http://127.0.0.1:${platform.port}`;
  await writeFile(
    configFile,
    JSON.stringify({
      apiUrl: base,
      nodeId: "bench-node",
      nodeToken: "bench-token",
      heartbeatIntervalSec: 30,
      policy: {
        maxOwnerLoad: 1,
        allowedHours: { start: 0, end: 24 },
        evictOnOwnerLoad: false,
        allowNetwork: false,
      },
      queue: {
        queueName: "node-bench",
        queueUrl: `${base}/devstoreaccount1/node-bench?sv=2025-01-05&sp=rp&sig=bench`,
        mode: "sas",
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      },
    }),
    { mode: 0o600 },
  );
  const child = spawn(
    cli,
    ["run", "--json", "--state-dir", join(root, "state"), "--work-root", join(root, "work")],
    {
      env: { ...process.env, WC_AGENT_CONFIG: configFile },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const hwmKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const { polls, heartbeats } = platform.counts();
  child.kill("SIGTERM");
  await new Promise((r) => child.on("exit", r));
  platform.server.close();
  console.log(
    `\n# Idle agent (\`run\` against a fake API and empty queue, after ${IDLE_SECONDS} s)`,
  );
  console.log(
    `RSS ${(rssKb / 1024).toFixed(1)} MB (peak ${(hwmKb / 1024).toFixed(1)} MB; target < 80 MB)`,
  );
  console.log(
    `queue polls ${polls} (${(polls / IDLE_SECONDS).toFixed(1)}/s while idle), heartbeats ${heartbeats}`,
  );
}

async function logThroughput(setup) {
  let stored = 0;
  let chunks = 0;
  const streamer = new LogStreamer({
    capBytes: 2 * LOG_BYTES,
    upload: async (chunk) => {
      chunks++;
      stored += Buffer.byteLength(chunk.data, "base64");
      return stored;
    },
  });
  const spec = {
    command: `head -c ${LOG_BYTES} /dev/zero | tr '\\0' 'x'`,
    workDir: setup.workDir,
    jobEnv: {},
    network: false,
    gpuIndexes: [],
    limits: limitsFor({ maxRuntimeSec: 600, cpuCores: 1, memoryMb: 512 }),
    runAs: setup.runAs,
  };
  const started = process.hrtime.bigint();
  const result = await runSandboxed(spec, {
    isolation: setup.isolation,
    host: setup.host,
    timeoutMs: 600_000,
    killGraceMs: 1_000,
    onOutput: (c) => streamer.write(c),
  });
  const summary = await streamer.close();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `\n# Log throughput (a job printing ${LOG_BYTES / 1e6} MB, through the sandbox and the log streamer to a local sink)`,
  );
  console.log(
    `${(stored / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s = ${(stored / 1e6 / seconds).toFixed(1)} MB/s, ${chunks} chunks, exit ${result.exitCode}, delivered ${summary.delivered}`,
  );
}

// `node bench/agent.js [overhead] [idle] [logs]` runs a subset; no argument runs all three.
const only = new Set(process.argv.slice(2));
const wanted = (name) => only.size === 0 || only.has(name);
const root = await mkdtemp(join(tmpdir(), "wc-bench-agent-"));
await chmod(root, 0o711);
try {
  console.log(
    `load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")} on ${availableParallelism()} CPUs`,
  );
  const setup = await sandboxOverhead(root, wanted("overhead") ? RUNS : 1);
  if (wanted("idle")) await idleRss(root);
  if (wanted("logs")) await logThroughput(setup);
} finally {
  await rm(root, { recursive: true, force: true });
}
