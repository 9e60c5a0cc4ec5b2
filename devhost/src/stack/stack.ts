// `devhost stack`: starts the local stack in dependency order (Azurite, the embedded Cosmos DB
// server, provisioning, the function host, then the configured services), supervises it, and
// stops it in reverse order.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { loadStackConfig } from "./config.js";
import { azuriteSpec, BIND_HOST, cosmosSpec, hostSpec, serviceSpec } from "./part-specs.js";
import { freePorts, isPortFree } from "./ports.js";
import { provisionCosmos, provisionStorage } from "./provision.js";
import type { Reporter } from "./reporter.js";
import { prepareService, selectServices } from "./services.js";
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
import { substitute, substituteRecord } from "./substitute.js";
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
  /** Names of configured services (or "host") not to start. */
  skip: readonly string[];
  env: NodeJS.ProcessEnv;
  reporter: Reporter;
  /** Settles when the user asks the stack to stop (SIGINT/SIGTERM). */
  stopRequested: Promise<void>;
}

const STOP_GRACE_MS = 10_000;

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
    const services = selectServices(config.services, options.skip, (service) =>
      reporter.notice(`skipping ${service.name} (asked on the command line)`),
    );
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
        azuriteSpec(location, ports, { ...env }),
        true,
        `(blob ${ports.AZURITE_BLOB_PORT}, queue ${ports.AZURITE_QUEUE_PORT}, table ${ports.AZURITE_TABLE_PORT})`,
      );
    } else {
      reporter.notice("using the storage account in AzureWebJobsStorage (Azurite not started)");
    }

    if (external.cosmos === undefined) {
      await launch(cosmosSpec(dataDir, ports, { ...env }), true, `(${endpoints.cosmosEndpoint})`);
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
        hostSpec(config.host, appDir, ports, endpoints.apiUrl, {
          ...childEnv,
          ...substituteRecord(config.host.env, values),
        }),
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
      const prepared = await prepareService(service, baseDir, values);
      if ("skipBecause" in prepared) {
        reporter.notice(`skipping ${service.name}: ${prepared.skipBecause}`);
        continue;
      }
      const spec = serviceSpec(service, prepared.values, baseDir, childEnv, options.configPath);
      const { readiness } = spec;
      const detail =
        readiness.kind === "exit" ? "(done)" : readiness.kind === "none" ? "(started)" : "";
      const up = await launch(spec, false, detail);
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
