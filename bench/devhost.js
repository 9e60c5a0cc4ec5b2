// devhost benchmark (run through `npm run bench:devhost`, which builds first): HTTP trigger
// round-trip against a bare node:http server answering the same JSON, and Durable throughput of
// 200 concurrent two-activity orchestrations against a fresh in-memory Azurite. Prints figures;
// exits non-zero only on errors, never on a missed target.
/* global fetch */
import { performance } from "node:perf_hooks";
import { URL, fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { startAzurite } from "./lib/azurite.js";
import { keepAliveLatencies } from "./lib/keep-alive-loop.js";
import { load } from "./lib/load.js";
import { runContext } from "./lib/run-context.js";
import { printCpuCost } from "./lib/cpu-report.js";
import { cpuDuring } from "./lib/proc-cpu.js";
import { ms, perSecond, summarise, verdict } from "./lib/stats.js";
import { startTarget } from "./lib/target.js";

const HTTP_APP = fileURLToPath(new URL("./fixtures/http-app", import.meta.url));
const DURABLE_APP = fileURLToPath(new URL("./fixtures/durable-app", import.meta.url));

/** Sequential keep-alive requests per target per round; rounds alternate targets so a load spike from
 *  other work on the machine hits both alike. */
const LATENCY_ROUNDS = 5;
const LATENCY_REQUESTS = 1_000;
const LATENCY_WARMUP = 200;
const LOAD_CONNECTIONS = 10;
const LOAD_SECONDS = 5;
const OVERHEAD_TARGET_MS = 1;

const ORCHESTRATIONS = 200;
const ACTIVITIES_PER_ORCHESTRATION = 2;
const ACTIVITY_RATE_TARGET = 100;
const STATUS_POLL_MS = 100;
const ORCHESTRATION_TIMEOUT_MS = 300_000;

async function httpRoundTrip() {
  const bare = await startTarget(["bare"]);
  const devhost = await startTarget(["devhost", HTTP_APP]);
  try {
    const targets = { bare: `${bare.url}/`, devhost: `${devhost.url}/api/hello` };
    const latencies = { bare: [], devhost: [] };
    for (let round = 0; round < LATENCY_ROUNDS; round++) {
      for (const name of ["bare", "devhost"]) {
        latencies[name].push(
          ...(await keepAliveLatencies(
            targets[name],
            LATENCY_REQUESTS,
            round === 0 ? LATENCY_WARMUP : 0,
          )),
        );
      }
    }
    const loads = {};
    for (const name of ["bare", "devhost"]) {
      loads[name] = await load({
        url: targets[name],
        connections: LOAD_CONNECTIONS,
        seconds: LOAD_SECONDS,
      });
    }
    const one = { bare: summarise(latencies.bare), devhost: summarise(latencies.devhost) };
    const overheadP50 = one.devhost.p50 - one.bare.p50;
    console.log(`\n# HTTP trigger round-trip (GET returning a small JSON; loopback, keep-alive)`);
    console.log(
      `one connection, ${LATENCY_ROUNDS}x${LATENCY_REQUESTS} sequential requests each (hrtime):`,
    );
    for (const name of ["bare", "devhost"]) {
      const s = one[name];
      console.log(
        `  ${name.padEnd(8)} p50 ${ms(s.p50, 3)}  p90 ${ms(s.p90, 3)}  p99 ${ms(s.p99, 3)}`,
      );
    }
    console.log(
      `  overhead p50 ${ms(overheadP50, 3)}  p99 ${ms(one.devhost.p99 - one.bare.p99, 3)}  ` +
        `(target p50 < ${OVERHEAD_TARGET_MS} ms: ${verdict(overheadP50 < OVERHEAD_TARGET_MS)})`,
    );
    console.log(
      `autocannon, ${LOAD_CONNECTIONS} connections for ${LOAD_SECONDS} s each (latency in whole ms):`,
    );
    for (const name of ["bare", "devhost"]) {
      const l = loads[name];
      console.log(
        `  ${name.padEnd(8)} ${perSecond(l.perSecond).padStart(7)}  p50 ${l.p50} ms  p99 ${l.p99} ms`,
      );
    }
    console.log(
      `  devhost serves ${((loads.devhost.perSecond / loads.bare.perSecond) * 100).toFixed(0)}% of the bare req/s`,
    );
  } finally {
    await Promise.all([bare.stop(), devhost.stop()]);
  }
}

async function post(url, body) {
  const response = await fetch(url, { method: "POST", body });
  const text = await response.text();
  if (response.status !== 202) throw new Error(`POST ${url} answered ${response.status}: ${text}`);
}

/** Polls the Durable HTTP API until every instance finished; returns when the last one was seen done. */
async function waitForAll(origin, ids) {
  const pending = new Set(ids);
  const deadline = Date.now() + ORCHESTRATION_TIMEOUT_MS;
  while (pending.size > 0) {
    if (Date.now() > deadline)
      throw new Error(`${pending.size} orchestrations did not finish in time`);
    const response = await fetch(
      `${origin}/runtime/webhooks/durabletask/instances/?runtimeStatus=Completed,Failed,Terminated&top=1000`,
    );
    if (response.status !== 200) throw new Error(`instance query answered ${response.status}`);
    for (const status of await response.json()) {
      if (!pending.has(status.instanceId)) continue;
      const input = Number(status.instanceId.split("-").at(-1));
      if (status.runtimeStatus !== "Completed" || status.output !== input * 4) {
        throw new Error(
          `${status.instanceId}: ${status.runtimeStatus}, output ${JSON.stringify(status.output)}`,
        );
      }
      pending.delete(status.instanceId);
    }
    if (pending.size > 0) await sleep(STATUS_POLL_MS);
  }
}

async function orchestrationThroughput() {
  const azurite = await startAzurite();
  let host;
  try {
    host = await startTarget(["devhost", DURABLE_APP, "--durable"], {
      ...process.env,
      AzureWebJobsStorage: azurite.connectionString,
    });
    const origin = host.url;
    const run = `run${Date.now()}`;
    const ids = Array.from({ length: ORCHESTRATIONS }, (_, i) => `${run}-${i}`);
    const { result, cpu } = await cpuDuring({ host: host.pid, azurite: azurite.pid }, async () => {
      const started = performance.now();
      await Promise.all(ids.map((id, i) => post(`${origin}/api/chain/${id}`, String(i))));
      const accepted = performance.now();
      await waitForAll(origin, ids);
      return { startMs: accepted - started, makespanMs: performance.now() - started };
    });
    const activities = ORCHESTRATIONS * ACTIVITIES_PER_ORCHESTRATION;
    const rate = activities / (result.makespanMs / 1000);
    console.log(
      `\n# Durable throughput (${ORCHESTRATIONS} concurrent two-activity orchestrations, HTTP starter + df.getClient, in-memory Azurite)`,
    );
    console.log(`  all ${ORCHESTRATIONS} starts accepted after ${ms(result.startMs, 0)}`);
    console.log(
      `  makespan (first start to last completion seen, ${STATUS_POLL_MS} ms polling) ${ms(result.makespanMs, 0)}`,
    );
    console.log(
      `  ${perSecond(rate)} activities completed  (target >= ${ACTIVITY_RATE_TARGET}/s: ${verdict(rate >= ACTIVITY_RATE_TARGET)})`,
    );
    printCpuCost(cpu, activities, "activity");
  } finally {
    await host?.stop();
    await azurite.stop();
  }
}

console.log(`bench:devhost — ${runContext()}`);
await httpRoundTrip();
await orchestrationThroughput();
console.log(`\ndone — ${runContext()}`);
