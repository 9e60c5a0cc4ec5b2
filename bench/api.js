// API benchmark (run through `npm run bench:api`, which builds first), each part on a fresh local
// stack (in-memory Azurite, embedded Cosmos DB, devhost serving the built Function App, seeded
// demo accounts): `POST /api/jobs` throughput and latency under autocannon, then dispatch latency
// from submit to the agent's accepted `start`. Prints figures; exits non-zero only on errors.
/* global fetch */
import { performance } from "node:perf_hooks";
import { startApiStack } from "./lib/api-stack.js";
import { BenchAgent } from "./lib/bench-agent.js";
import { load } from "./lib/load.js";
import { runContext } from "./lib/run-context.js";
import { printCpuCost } from "./lib/cpu-report.js";
import { cpuDuring } from "./lib/proc-cpu.js";
import { ms, perSecond, summarise, verdict } from "./lib/stats.js";

const SUBMIT_CONNECTIONS = 10;
const SUBMIT_SECONDS = 10;
const SUBMIT_WARMUP_SECONDS = 2;
const SUBMIT_RATE_TARGET = 200;
const SUBMIT_P99_TARGET_MS = 100;
/** Nothing can place these (no node is registered); they wait in placement back-off meanwhile. */
const SUBMIT_BODY = JSON.stringify({
  command: "echo bench",
  maxRuntimeSec: 60,
  queueTimeoutSec: 600,
});

const DISPATCH_JOBS = 30;
const DISPATCH_WARMUP_JOBS = 2;
const DISPATCH_P50_TARGET_MS = 300;
/** Queue polling of the benchmark's agent; the real agent polls every 250 ms, slowing to 1 s when idle. */
const AGENT_POLL_MS = 50;
const HEARTBEAT_MS = 5_000;
const DISPATCH_TIMEOUT_MS = 60_000;

async function submitThroughput() {
  const stack = await startApiStack();
  try {
    const request = {
      url: `${stack.apiUrl}/api/jobs`,
      method: "POST",
      headers: { authorization: `Bearer ${stack.keys.buyer}`, "content-type": "application/json" },
      body: SUBMIT_BODY,
      expect: 202,
      connections: SUBMIT_CONNECTIONS,
    };
    await load({ ...request, seconds: SUBMIT_WARMUP_SECONDS });
    const { result, cpu } = await cpuDuring(stack.pids, () =>
      load({ ...request, seconds: SUBMIT_SECONDS }),
    );
    console.log(
      `\n# POST /api/jobs (autocannon, ${SUBMIT_CONNECTIONS} connections, ${SUBMIT_SECONDS} s after ${SUBMIT_WARMUP_SECONDS} s warm-up; every 202 starts an orchestration)`,
    );
    console.log(
      `  ${result.requests} jobs accepted: ${perSecond(result.perSecond)}  (target >= ${SUBMIT_RATE_TARGET}/s: ${verdict(result.perSecond >= SUBMIT_RATE_TARGET)})`,
    );
    console.log(
      `  latency p50 ${result.p50} ms  p90 ${result.p90} ms  p99 ${result.p99} ms  max ${result.max} ms  ` +
        `(target p99 < ${SUBMIT_P99_TARGET_MS} ms: ${verdict(result.p99 < SUBMIT_P99_TARGET_MS)})`,
    );
    printCpuCost(cpu, result.requests, "accepted job (incl. the orchestration work it started)");
  } finally {
    await stack.stop();
  }
}

async function submit(apiUrl, buyerKey) {
  const response = await fetch(`${apiUrl}/api/jobs`, {
    method: "POST",
    headers: { authorization: `Bearer ${buyerKey}`, "content-type": "application/json" },
    body: JSON.stringify({ command: "echo bench", maxRuntimeSec: 60 }),
  });
  const text = await response.text();
  if (response.status !== 202) throw new Error(`submit: ${response.status} ${text}`);
  return JSON.parse(text).id;
}

async function getJson(url, key) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  return `${response.status} ${await response.text()}`;
}

/** What the job, the node and the host's log say, for a dispatch that never came. */
async function dispatchProblem(stack, jobId, error) {
  const job = await getJson(`${stack.apiUrl}/api/jobs/${jobId}`, stack.keys.buyer);
  const nodes = await getJson(`${stack.apiUrl}/api/nodes`, stack.keys.seller);
  const problems = stack
    .hostOutput()
    .split("\n")
    .filter((line) => /\b(WARN|ERROR)\b/.test(line))
    .slice(-20)
    .join("\n");
  return new Error(
    `${error.message}\njob: ${job}\nnodes: ${nodes}\nhost warnings and errors:\n${problems}`,
  );
}

/** One job through submit → dispatch → start → finish; times from just before the submit. */
async function timeOneDispatch(stack, agent) {
  const t0 = performance.now();
  const jobId = await submit(stack.apiUrl, stack.keys.buyer);
  const accepted = performance.now() - t0;
  const message = await agent
    .nextDispatch(AGENT_POLL_MS, DISPATCH_TIMEOUT_MS)
    .catch(async (error) => Promise.reject(await dispatchProblem(stack, jobId, error)));
  if (message.jobId !== jobId) throw new Error(`dispatched ${message.jobId}, expected ${jobId}`);
  const received = performance.now() - t0;
  await agent.start(message);
  const started = performance.now() - t0;
  await agent.finish(message);
  return { accepted, received, started };
}

async function dispatchLatency() {
  const stack = await startApiStack();
  let agent;
  try {
    agent = await BenchAgent.register(stack.apiUrl, stack.keys.seller, 2);
    agent.startHeartbeating(HEARTBEAT_MS);
    for (let i = 0; i < DISPATCH_WARMUP_JOBS; i++) await timeOneDispatch(stack, agent);
    const { result: runs, cpu } = await cpuDuring(stack.pids, async () => {
      const timed = [];
      for (let i = 0; i < DISPATCH_JOBS; i++) timed.push(await timeOneDispatch(stack, agent));
      return timed;
    });
    const stage = (key) => summarise(runs.map((run) => run[key]));
    console.log(
      `\n# Dispatch latency (${DISPATCH_JOBS} sequential jobs after ${DISPATCH_WARMUP_JOBS} warm-up, one node, agent polls its queue every ${AGENT_POLL_MS} ms)`,
    );
    for (const [key, label] of [
      ["accepted", "submit -> 202"],
      ["received", "submit -> message read from the node queue"],
      ["started", "submit -> start accepted (200)"],
    ]) {
      const s = stage(key);
      console.log(
        `  ${label.padEnd(44)} p50 ${ms(s.p50, 0)}  p90 ${ms(s.p90, 0)}  p99 ${ms(s.p99, 0)}`,
      );
    }
    const started = stage("started");
    console.log(
      `  target submit -> start p50 < ${DISPATCH_P50_TARGET_MS} ms: ${verdict(started.p50 < DISPATCH_P50_TARGET_MS)}`,
    );
    printCpuCost(cpu, DISPATCH_JOBS, "job (submit, dispatch, start, finish, settle)");
  } finally {
    agent?.stopHeartbeating();
    await stack.stop();
  }
}

const PARTS = { submit: submitThroughput, dispatch: dispatchLatency };
const chosen = process.argv.slice(2);
const unknown = chosen.filter((name) => !(name in PARTS));
if (unknown.length > 0) {
  console.error(`usage: node bench/api.js [${Object.keys(PARTS).join("|")}]...`);
  process.exit(2);
}
console.log(`bench:api — ${runContext()}`);
for (const name of chosen.length === 0 ? Object.keys(PARTS) : chosen) await PARTS[name]();
console.log(`\ndone — ${runContext()}`);
