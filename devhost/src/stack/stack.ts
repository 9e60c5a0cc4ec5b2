// `devhost stack`: starts the local stack in dependency order (Azurite, the embedded Cosmos DB
// server, provisioning, the function host, then the configured services), supervises it, and
// stops it in reverse order.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { azuriteArgs, azuriteScript } from "./azurite.js";
import { loadStackConfig, type ServiceConfig, type StackConfig } from "./config.js";
import { readJsonValues } from "./json-values.js";
import { freePorts, isPortFree } from "./ports.js";
import { provisionCosmos, provisionStorage } from "./provision.js";
import type { Readiness } from "./readiness.js";
import type { Reporter } from "./reporter.js";
import { StackError } from "./stack-error.js";
import {
  azuriteConnectionString,
  corePortSpecs,
  EMULATOR_COSMOS_KEY,
  externalParts,
  type PortSpec,
  resolvePorts,
  servicePortSpecs,
  type StackEndpoints,
  stackEnv,
  stackValues,
  unsetPortCount,
} from "./stack-plan.js";
import { substitute, substituteAll, substituteRecord } from "./substitute.js";
import {
  DEFAULT_RESTART_POLICY,
  type ProcessSpec,
  SupervisedProcess,
} from "./supervised-process.js";

export interface StackOptions {
  configPath: string;
  dataDir: string;
  /** Pick free ports for every port not set through the environment. */
  freePorts: boolean;
  /** Names of configured services not to start. */
  skip: readonly string[];
  env: NodeJS.ProcessEnv;
  reporter: Reporter;
  /** Settles when the user asks the stack to stop (SIGINT/SIGTERM). */
  stopRequested: Promise<void>;
}

const BIND_HOST = "127.0.0.1";
const CORE_READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const here = fileURLToPath(new URL(".", import.meta.url));
const cliScript = join(here, "..", "cli.js");
const cosmosServerScript = join(here, "cosmos-server-main.js");

const exitWithParent = pathToFileURL(join(here, "exit-with-parent.js")).href;

type Command = Pick<ProcessSpec, "command" | "args" | "ipc">;

/** Runs Node with the Node running the stack, so that the child stops when the stack goes away. */
function nodeChild(nodeArgs: readonly string[]): Command {
  return { command: process.execPath, args: ["--import", exitWithParent, ...nodeArgs], ipc: true };
}

/** A configured command; "node" means the Node running the stack, so every child uses one version. */
function serviceCommand(command: readonly string[]): Command {
  const [first, ...rest] = command;
  return first === "node" ? nodeChild(rest) : { command: first!, args: rest };
}

function serviceReadiness(service: ServiceConfig, values: Record<string, string>): Readiness {
  if (service.once) return { kind: "exit" };
  if (service.readyPattern !== undefined)
    return { kind: "pattern", pattern: new RegExp(service.readyPattern) };
  if (service.readyUrl !== undefined)
    return { kind: "http", url: substitute(service.readyUrl, values), strict: false };
  if (service.port !== undefined)
    return { kind: "ports", host: BIND_HOST, ports: [Number(values[service.port.name])] };
  return { kind: "none" };
}

/** Services not left out on the command line (a name also covers its `name-…` steps). */
function selectedServices(
  config: StackConfig,
  skip: readonly string[],
  reporter: Reporter,
): ServiceConfig[] {
  return config.services.filter((service) => {
    // `--skip agent` also leaves out helper steps named agent-…
    if (!skip.some((name) => service.name === name || service.name.startsWith(`${name}-`))) {
      return true;
    }
    reporter.notice(`skipping ${service.name} (asked on the command line)`);
    return false;
  });
}

/**
 * Checked when the service's turn comes, so earlier steps can create what it needs: the values
 * it may use, or why it is skipped.
 */
async function serviceValues(
  service: ServiceConfig,
  baseDir: string,
  values: Readonly<Record<string, string>>,
): Promise<{ values: Record<string, string> } | { skipBecause: string }> {
  const path = (text: string): string => resolve(baseDir, substitute(text, values));
  const missing = service.requires.find((file) => !existsSync(path(file)));
  if (missing !== undefined)
    return { skipBecause: `${missing} does not exist yet (build it first)` };
  if (service.skipIfExists !== undefined && existsSync(path(service.skipIfExists))) {
    return { skipBecause: `${service.skipIfExists} exists already` };
  }
  const read = await readJsonValues(service.values, (source) => path(source.jsonFile));
  if (read.kind === "missing-file") return { skipBecause: `${read.file} does not exist yet` };
  if (read.kind === "invalid") {
    throw new StackError(
      `${service.name} cannot start: ${read.problem}; fix the step that writes it.`,
    );
  }
  return { values: { ...values, ...read.values } };
}

async function checkPortsFree(
  specs: readonly PortSpec[],
  ports: Readonly<Record<string, number>>,
): Promise<void> {
  for (const spec of specs) {
    const port = ports[spec.key]!;
    if (!(await isPortFree(port, BIND_HOST))) {
      throw new StackError(
        `Port ${port} (${spec.part}) is already in use: stop what is using it, set ${spec.envVar} to another port, or run with --free-ports.`,
      );
    }
  }
}

function reportFailure(reporter: Reporter, error: unknown): void {
  if (error instanceof StackError) {
    for (const line of error.details) reporter.notice(line);
    reporter.error(error.message);
  } else {
    reporter.error(
      `The stack stopped on an unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Runs the stack until stopped; resolves with the process exit code. */
export async function runStack(options: StackOptions): Promise<number> {
  const { reporter, env } = options;
  const running: SupervisedProcess[] = [];
  let stopping = false;
  let giveUp: (error: StackError) => void = () => undefined;
  const gaveUp = new Promise<StackError>((resolveGiveUp) => {
    giveUp = resolveGiveUp;
  });

  const launch = async (
    spec: ProcessSpec,
    core: boolean,
    readyDetail: string,
  ): Promise<boolean> => {
    if (stopping) return false;
    const onGiveUp = core
      ? giveUp
      : (error: StackError): void =>
          reporter.error(`${error.message} (the rest of the stack keeps running)`);
    const supervised = new SupervisedProcess(spec, reporter, DEFAULT_RESTART_POLICY, onGiveUp);
    running.push(supervised);
    reporter.starting(spec.name);
    const started = Date.now();
    try {
      await supervised.start();
    } catch (error) {
      if (core || spec.readiness.kind === "exit") throw error;
      reportFailure(reporter, error);
      return false;
    }
    reporter.ready(spec.name, readyDetail, Date.now() - started);
    return true;
  };

  const startAll = async (): Promise<void> => {
    const { config, baseDir } = await loadStackConfig(options.configPath);
    const external = externalParts(env);
    const services = selectedServices(config, options.skip, reporter);
    reporter.alignNames(["azurite", "cosmos", "host", ...services.map((service) => service.name)]);
    const core = corePortSpecs(config.portEnvPrefix).filter(
      (spec) =>
        (spec.key.startsWith("AZURITE_") ? external.storageConnectionString === undefined : true) &&
        (spec.key === "COSMOS_PORT" ? external.cosmos === undefined : true),
    );
    const specs = [...core, ...servicePortSpecs(services)];
    const ports = resolvePorts(
      specs,
      env,
      options.freePorts ? await freePorts(unsetPortCount(specs, env), BIND_HOST) : [],
    );
    const startHost = !options.skip.includes("host");
    // Without our host, its port is only where the user's own host (e.g. Core Tools) is expected.
    await checkPortsFree(
      specs.filter((spec) => startHost || spec.key !== "HOST_PORT"),
      ports,
    );

    const dataDir = resolve(options.dataDir);
    await mkdir(dataDir, { recursive: true });
    const endpoints: StackEndpoints = {
      storageConnectionString:
        external.storageConnectionString ?? azuriteConnectionString(BIND_HOST, ports),
      cosmosEndpoint: external.cosmos?.endpoint ?? `http://${BIND_HOST}:${ports.COSMOS_PORT}`,
      cosmosKey: external.cosmos?.key ?? EMULATOR_COSMOS_KEY,
      cosmosDatabase: config.cosmos.database,
      apiUrl: `http://${BIND_HOST}:${ports.HOST_PORT}`,
      dataDir,
      rootDir: baseDir,
    };
    const values = stackValues(endpoints, ports);
    const childEnv = { ...env, ...stackEnv(endpoints) };

    if (external.storageConnectionString === undefined) {
      const location = join(dataDir, "azurite");
      await mkdir(location, { recursive: true });
      await launch(
        {
          name: "azurite",
          ...nodeChild([
            azuriteScript(),
            ...azuriteArgs({
              location,
              host: BIND_HOST,
              blobPort: ports.AZURITE_BLOB_PORT!,
              queuePort: ports.AZURITE_QUEUE_PORT!,
              tablePort: ports.AZURITE_TABLE_PORT!,
            }),
          ]),
          cwd: location,
          env: { ...env },
          readiness: {
            kind: "ports",
            host: BIND_HOST,
            ports: [ports.AZURITE_BLOB_PORT!, ports.AZURITE_QUEUE_PORT!, ports.AZURITE_TABLE_PORT!],
          },
          readyTimeoutMs: CORE_READY_TIMEOUT_MS,
          hint: `read Azurite's last lines above; if its data is damaged, rename ${location} (Azurite then starts empty) and run again, or set AzureWebJobsStorage to use other storage`,
        },
        true,
        `(blob ${ports.AZURITE_BLOB_PORT}, queue ${ports.AZURITE_QUEUE_PORT}, table ${ports.AZURITE_TABLE_PORT})`,
      );
    } else {
      reporter.notice("using the storage account in AzureWebJobsStorage (Azurite not started)");
    }

    if (external.cosmos === undefined) {
      await launch(
        {
          name: "cosmos",
          ...nodeChild([
            cosmosServerScript,
            "--host",
            BIND_HOST,
            "--port",
            String(ports.COSMOS_PORT),
            "--snapshot",
            join(dataDir, "cosmos", "snapshot.json"),
          ]),
          cwd: dataDir,
          env: { ...env },
          readiness: { kind: "ports", host: BIND_HOST, ports: [ports.COSMOS_PORT!] },
          readyTimeoutMs: CORE_READY_TIMEOUT_MS,
          hint: "read its last lines above, or set COSMOS_ENDPOINT and COSMOS_KEY to use another Cosmos DB",
        },
        true,
        `(${endpoints.cosmosEndpoint})`,
      );
    } else {
      reporter.notice(
        `using the Cosmos DB at ${endpoints.cosmosEndpoint} from COSMOS_ENDPOINT (embedded server not started)`,
      );
    }

    if (stopping) return;
    reporter.starting("provisioning");
    const provisionStarted = Date.now();
    try {
      await Promise.all([
        provisionCosmos(endpoints.cosmosEndpoint, endpoints.cosmosKey, config.cosmos),
        provisionStorage(endpoints.storageConnectionString, config.storage),
      ]);
    } catch (error) {
      throw new StackError(
        `Provisioning failed (${error instanceof Error ? error.message.split("\n")[0] : String(error)}): check that Cosmos DB and Storage are reachable and the names in ${options.configPath} are valid.`,
      );
    }
    reporter.ready(
      "provisioning",
      `(database ${config.cosmos.database}: ${config.cosmos.containers.length} containers; ${config.storage.queues.length} queues, ${config.storage.tables.length} tables, ${config.storage.blobContainers.length} blob containers)`,
      Date.now() - provisionStarted,
    );

    if (startHost) {
      const appDir = resolve(baseDir, substitute(config.host.appDir, values));
      await launch(
        {
          name: "host",
          ...nodeChild([
            cliScript,
            "host",
            "--app",
            appDir,
            "--port",
            String(ports.HOST_PORT),
            "--host",
            BIND_HOST,
          ]),
          cwd: appDir,
          env: { ...childEnv, ...substituteRecord(config.host.env, values) },
          readiness: {
            kind: "http",
            url: `${endpoints.apiUrl}${config.host.readyPath}`,
            strict: true,
          },
          readyTimeoutMs: config.host.readyTimeoutSeconds * 1000,
          hint: `read the host's last lines above; the app in ${appDir} must be built and answer ${config.host.readyPath}`,
        },
        true,
        `(${endpoints.apiUrl})`,
      );
    } else {
      reporter.notice(
        `not starting the function host (asked on the command line); start yours on ${endpoints.apiUrl}, e.g. \`npm run start:func\``,
      );
    }

    const urls: Array<[string, string]> = [];
    for (const service of services) {
      if (stopping) return;
      const prepared = await serviceValues(service, baseDir, values);
      if ("skipBecause" in prepared) {
        reporter.notice(`skipping ${service.name}: ${prepared.skipBecause}`);
        continue;
      }
      const own = prepared.values;
      const readiness = serviceReadiness(service, own);
      const up = await launch(
        {
          name: service.name,
          ...serviceCommand(substituteAll(service.command, own)),
          cwd: resolve(baseDir, substitute(service.cwd, own)),
          env: { ...childEnv, ...substituteRecord(service.env, own) },
          readiness,
          readyTimeoutMs: service.readyTimeoutSeconds * 1000,
          hint: `read its last lines above and fix the "${service.name}" entry in ${options.configPath}, or skip it with --skip ${service.name}`,
        },
        false,
        readiness.kind === "exit" ? "(done)" : "",
      );
      if (up && readiness.kind === "http") urls.push([service.name, readiness.url]);
    }

    if (stopping) return;
    reporter.summary("The stack is up:", [
      ["function host", startHost ? endpoints.apiUrl : `${endpoints.apiUrl} (not started here)`],
      ...urls,
      ["Cosmos DB", `${endpoints.cosmosEndpoint} (database ${config.cosmos.database})`],
      [
        "Storage",
        external.storageConnectionString === undefined
          ? `Azurite blob ${ports.AZURITE_BLOB_PORT}, queue ${ports.AZURITE_QUEUE_PORT}, table ${ports.AZURITE_TABLE_PORT}`
          : "from AzureWebJobsStorage",
      ],
      ["data", dataDir],
    ]);
    reporter.notice("press Ctrl-C to stop");
  };

  let exitCode = 0;
  try {
    const outcome = await Promise.race([
      startAll().then(() => Promise.race([options.stopRequested.then(() => undefined), gaveUp])),
      options.stopRequested.then(() => undefined),
      gaveUp,
    ]);
    if (outcome !== undefined) {
      reportFailure(reporter, outcome);
      exitCode = 1;
    }
  } catch (error) {
    reportFailure(reporter, error);
    exitCode = 1;
  } finally {
    stopping = true;
    if (running.length > 0) reporter.notice("stopping…");
    for (const supervised of [...running].reverse()) await supervised.stop(STOP_GRACE_MS);
    if (running.length > 0) reporter.notice("stopped");
  }
  return exitCode;
}
