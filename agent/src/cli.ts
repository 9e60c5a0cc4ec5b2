#!/usr/bin/env -S node --max-semi-space-size=2
// wastecompute-agent: register this machine, run marketplace jobs in a sandbox, show status, drain.
import { hostname } from "node:os";
import { Command, InvalidArgumentError, Option } from "commander";
import { OwnerPolicySchema, type Isolation, type OwnerPolicy } from "@wastecompute/contracts";
import { AgentApi } from "./agent-api.js";
import { ApiClient, ApiUnreachableError } from "./api-client.js";
import {
  ConfigError,
  DEFAULT_DRAIN_DEADLINE_SEC,
  DEFAULT_KILL_GRACE_SEC,
  DEFAULT_OUTPUT_CAP_BYTES,
  defaultStateDir,
  defaultWorkRoot,
  loadConfig,
  requireFields,
  type AgentConfig,
} from "./config.js";
import { resolveRunAs } from "./identity.js";
import { Output } from "./output.js";
import { QueuePoller, openQueue } from "./poller.js";
import { buildRegisterRequest, registerAndSave } from "./register.js";
import { bubblewrapWorks, probeHost, type HostLayout } from "./sandbox.js";
import { processAlive, readState, stateFilePath } from "./state.js";
import { Worker } from "./worker.js";

export const AGENT_VERSION = "0.1.0";
/** A running agent drains on this signal (SIGUSR1 is taken by Node's inspector). */
export const DRAIN_SIGNAL = "SIGUSR2";

const int = (name: string, min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}`);
  return n;
};
const seconds = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError("must be a number of seconds ≥ 0");
  return n;
};
const hours = (value: string) => {
  const match = /^(\d{1,2})-(\d{1,2})$/.exec(value);
  if (!match) throw new InvalidArgumentError('use START-END in local hours, e.g. "22-6" or "0-24"');
  return { start: Number(match[1]), end: Number(match[2]) };
};

interface GlobalOptions {
  json?: boolean;
}

function outputFor(command: Command): Output {
  return new Output(Output.choose(command.optsWithGlobals<GlobalOptions>().json));
}

/** Picks bubblewrap when it works here, otherwise "none" with a loud warning. */
async function chooseIsolation(host: HostLayout, output: Output): Promise<Isolation> {
  const check = await bubblewrapWorks(host);
  if (check.ok) return "bubblewrap";
  output.warn(
    `NO SANDBOX: ${check.reason}. Jobs will run as plain limited processes that can see this machine's files and network. The node is listed with isolation "none".`,
  );
  return "none";
}

function nodeApi(
  config: AgentConfig & { apiUrl: string; nodeToken: string; nodeId: string },
  output: Output,
): AgentApi {
  const client = new ApiClient({
    baseUrl: config.apiUrl,
    bearer: config.nodeToken,
    onRetry: (r) =>
      output.status(
        `API ${r.path.split("/").slice(0, 4).join("/")} failed (${r.reason}); retrying in ${(r.delayMs / 1000).toFixed(1)} s`,
      ),
  });
  return new AgentApi(client, config.nodeId);
}

const program = new Command("wastecompute-agent")
  .description(
    "WasteCompute seller agent: earn from idle CPU/GPU time by running marketplace jobs in a sandbox",
  )
  .version(AGENT_VERSION)
  .option("--json", "print JSON lines (the default when stdout is not a terminal)")
  .showHelpAfterError();

program
  .command("detect")
  .description(
    "print this machine's hardware spec (CPU, memory, GPUs, OS, benchmark score) as JSON",
  )
  .action(async (_options, command: Command) => {
    const output = outputFor(command);
    const { detectHardware } = await import("./detect.js");
    output.result(await detectHardware());
  });

program
  .command("register")
  .description("detect this machine and register it as a node; saves node id + token (mode 0600)")
  .requiredOption("--api <url>", "WasteCompute API base URL, e.g. https://api.example.com")
  .requiredOption("--key <sellerKey>", "your seller API key (used once; not saved)")
  .option("--name <name>", "node name shown to buyers", hostname())
  .option("--region <region>", "region, e.g. eu-west")
  .option(
    "--timezone <tz>",
    "IANA time zone for allowed hours",
    Intl.DateTimeFormat().resolvedOptions().timeZone,
  )
  .option("--slots <n>", "jobs at once", int("--slots", 1))
  .option(
    "--max-owner-load <fraction>",
    "take work only while your own CPU load is below this (0..1)",
    Number,
  )
  .option("--allowed-hours <start-end>", 'local hours when work is allowed, e.g. "22-6"', hours)
  .option("--evict", "stop running jobs when your own load comes back (they are retried elsewhere)")
  .option("--allow-network", "let jobs that ask for network access have it")
  .action(
    async (
      options: {
        api: string;
        key: string;
        name: string;
        region?: string;
        timezone?: string;
        slots?: number;
        maxOwnerLoad?: number;
        allowedHours?: OwnerPolicy["allowedHours"];
        evict?: boolean;
        allowNetwork?: boolean;
      },
      command: Command,
    ) => {
      const output = outputFor(command);
      const { path, fileConfig } = await loadConfig({});
      const policy = OwnerPolicySchema.parse({
        ...fileConfig.policy,
        ...(options.maxOwnerLoad === undefined ? {} : { maxOwnerLoad: options.maxOwnerLoad }),
        ...(options.allowedHours ? { allowedHours: options.allowedHours } : {}),
        ...(options.evict ? { evictOnOwnerLoad: true } : {}),
        ...(options.allowNetwork ? { allowNetwork: true } : {}),
      });
      output.event("detecting", {});
      const host = probeHost();
      // Loaded on demand: systeminformation is large and `run` never needs it.
      const { detectHardware } = await import("./detect.js");
      const [hardware, isolation] = await Promise.all([
        detectHardware(),
        chooseIsolation(host, output),
      ]);
      const request = buildRegisterRequest(
        {
          name: options.name,
          region: options.region,
          timeZone: options.timezone,
          slots: options.slots,
          policy,
          agentVersion: AGENT_VERSION,
        },
        hardware,
        isolation,
      );
      const client = new ApiClient({
        baseUrl: options.api,
        bearer: options.key,
        onRetry: (r) =>
          output.status(
            `API unreachable (${r.reason}); retrying in ${(r.delayMs / 1000).toFixed(1)} s`,
          ),
      });
      const response = await registerAndSave(client, request, path, fileConfig, options.api);
      output.result(
        { nodeId: response.nodeId, configFile: path, isolation, slots: request.slots, hardware },
        `registered node ${response.nodeId} (${hardware.cpuModel}, ${hardware.cpuCores} cores, ${hardware.gpus.length} GPUs, isolation ${isolation}); config saved to ${path}\nstart it with: wastecompute-agent run`,
      );
    },
  );

program
  .command("run")
  .description(
    "the long-running worker: heartbeat, pull jobs from this node's queue, run them sandboxed",
  )
  .option("--slots <n>", "jobs at once (at most the registered slots)", int("--slots", 1))
  .option(
    "--run-as <user>",
    "Unix user jobs run as (default: nobody when root, else your own user)",
  )
  .option("--state-dir <dir>", "local state (status, crash recovery)")
  .option("--work-root <dir>", "where per-job work dirs are created")
  .option("--kill-grace <seconds>", "SIGTERM → SIGKILL grace for stopped jobs", seconds)
  .option(
    "--drain-deadline <seconds>",
    "on SIGTERM, how long running jobs may finish before they are preempted",
    seconds,
  )
  .option("--output-cap <bytes>", "max stored output per job", int("--output-cap", 1))
  .action(
    async (
      options: {
        slots?: number;
        runAs?: string;
        stateDir?: string;
        workRoot?: string;
        killGrace?: number;
        drainDeadline?: number;
        outputCap?: number;
      },
      command: Command,
    ) => {
      const output = outputFor(command);
      const { config: merged, fileConfig } = await loadConfig({
        slots: options.slots,
        runAs: options.runAs,
        stateDir: options.stateDir,
        workRoot: options.workRoot,
        killGraceSec: options.killGrace,
        drainDeadlineSec: options.drainDeadline,
        outputCapBytes: options.outputCap,
      });
      const config = requireFields(
        merged,
        ["apiUrl", "nodeId", "nodeToken", "queue"],
        "run `wastecompute-agent register --api URL --key SELLER_KEY` first",
      );
      // The platform reserves against the registered slots: never run more at once.
      const slots = Math.min(config.slots ?? 1, fileConfig.slots ?? Number.POSITIVE_INFINITY);
      const host = probeHost();
      const isolation = await chooseIsolation(host, output);
      const runAs = resolveRunAs(config.runAs);
      const stateDir = config.stateDir ?? defaultStateDir();
      const api = nodeApi(config, output);
      const poller = new QueuePoller(openQueue(config.queue), (event, fields) =>
        output.event(event, fields, "warn"),
      );
      const worker = new Worker({
        api,
        poller,
        openQueue,
        nodeId: config.nodeId,
        slots,
        heartbeatIntervalSec: config.heartbeatIntervalSec ?? 30,
        isolation,
        host,
        runAs,
        workRoot: config.workRoot ?? defaultWorkRoot(stateDir),
        stateDir,
        policy: OwnerPolicySchema.parse(config.policy ?? {}),
        timeZone: config.timeZone ?? "UTC",
        killGraceMs: (config.killGraceSec ?? DEFAULT_KILL_GRACE_SEC) * 1000,
        drainDeadlineMs: (config.drainDeadlineSec ?? DEFAULT_DRAIN_DEADLINE_SEC) * 1000,
        outputCapBytes: config.outputCapBytes ?? DEFAULT_OUTPUT_CAP_BYTES,
        agentVersion: AGENT_VERSION,
        log: (event, fields, level) => output.event(event, fields, level),
        status: (text) => output.status(text),
      });
      let signals = 0;
      const onStop = (signal: NodeJS.Signals) => {
        signals++;
        output.event("signal", {
          signal,
          action:
            signals === 1
              ? "stop pulling, let running jobs finish until the drain deadline"
              : "exit now",
        });
        if (signals > 1) process.exit(130);
        worker.shutdown();
      };
      process.on("SIGTERM", onStop);
      process.on("SIGINT", onStop);
      process.on(DRAIN_SIGNAL, () => worker.drain());
      output.event("agent.started", {
        nodeId: config.nodeId,
        isolation,
        slots,
        runAs: runAs ? `${runAs.uid}:${runAs.gid}` : "self",
        stateDir,
        version: AGENT_VERSION,
      });
      await worker.run();
    },
  );

program
  .command("status")
  .description("what the agent is doing, from its local state file")
  .option("--state-dir <dir>", "local state dir")
  .action(async (options: { stateDir?: string }, command: Command) => {
    const output = outputFor(command);
    const { config } = await loadConfig({ stateDir: options.stateDir });
    const stateDir = config.stateDir ?? defaultStateDir();
    const state = await readState(stateDir);
    if (!state) {
      output.result(
        { running: false, stateFile: stateFilePath(stateDir) },
        `no agent state at ${stateFilePath(stateDir)} (never run here?)`,
      );
      return;
    }
    const alive = state.status !== "stopped" && processAlive(state.pid);
    const view = {
      ...state,
      alive,
      running: state.running.map(({ leaseToken: _lease, ...job }) => job),
      seen: state.seen.length,
    };
    const lines = [
      `node ${state.nodeId} · ${alive ? state.status : "not running"}${state.statusReason ? ` (${state.statusReason})` : ""} · pid ${state.pid} · isolation ${state.isolation} · slots ${state.slots}`,
      `api ${state.apiReachable ? "reachable" : "UNREACHABLE"} · updated ${state.updatedAt}`,
      ...view.running.map(
        (j) => `  running ${j.jobId} (attempt ${j.attempt}) since ${j.startedAt}: ${j.command}`,
      ),
      ...state.recent
        .slice(-5)
        .map(
          (j) =>
            `  done    ${j.jobId} (attempt ${j.attempt}) ${j.outcome}${j.exitCode === null ? "" : ` exit ${j.exitCode}`} at ${j.finishedAt}`,
        ),
    ];
    output.result(view, lines.join("\n"));
  });

program
  .command("drain")
  .description(
    "finish running jobs and take no more: signals the running agent and tells the platform",
  )
  .option("--state-dir <dir>", "local state dir")
  .option(
    "--key <sellerKey>",
    "your seller API key, to tell the platform (the node token is tried otherwise)",
  )
  .action(async (options: { stateDir?: string; key?: string }, command: Command) => {
    const output = outputFor(command);
    const { config: merged } = await loadConfig({ stateDir: options.stateDir });
    const config = requireFields(
      merged,
      ["apiUrl", "nodeId", "nodeToken"],
      "this machine is not registered",
    );
    const state = await readState(config.stateDir ?? defaultStateDir());
    const signalled = state !== undefined && state.status !== "stopped" && processAlive(state.pid);
    if (signalled && state) process.kill(state.pid, DRAIN_SIGNAL);
    let platform = "told";
    try {
      await nodeApi({ ...config, nodeToken: options.key ?? config.nodeToken }, output).drain();
    } catch (error) {
      platform = `not told (${error instanceof Error ? error.message : String(error)})`;
    }
    output.result(
      { agentSignalled: signalled, pid: state?.pid, platform },
      `${signalled ? `agent pid ${state?.pid} is draining` : "no running agent found"}; platform ${platform}`,
    );
  });

program.addOption(new Option("--no-color", "disable colour").hideHelp());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const output = new Output(Output.choose(process.argv.includes("--json")));
  output.error(error instanceof Error ? error.message : String(error));
  process.exitCode =
    error instanceof ConfigError ? error.exitCode : error instanceof ApiUnreachableError ? 3 : 1;
}
