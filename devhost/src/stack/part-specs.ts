// How each part of the stack is run as a supervised child process: command, environment,
// readiness and the one-line hint shown when it cannot start.
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { azuriteArgs, azuriteScript } from "./azurite.js";
import type { ServiceConfig, StackConfig } from "./config.js";
import type { Readiness } from "./readiness.js";
import { substitute, substituteAll, substituteRecord } from "./substitute.js";
import type { ProcessSpec } from "./supervised-process.js";

/** Every part listens on loopback only. */
export const BIND_HOST = "127.0.0.1";
const CORE_READY_TIMEOUT_MS = 60_000;

const here = fileURLToPath(new URL(".", import.meta.url));
const cliScript = join(here, "..", "cli.js");
const cosmosServerScript = join(here, "cosmos-server-main.js");
const exitWithParent = pathToFileURL(join(here, "exit-with-parent.js")).href;

type Command = Pick<ProcessSpec, "command" | "args" | "ipc">;
type Ports = Readonly<Record<string, number>>;

/** Runs Node with the Node running the stack, so that the child stops when the stack goes away. */
function nodeChild(nodeArgs: readonly string[]): Command {
  return { command: process.execPath, args: ["--import", exitWithParent, ...nodeArgs], ipc: true };
}

/** A configured command; "node" means the Node running the stack, so every child uses one version. */
function serviceCommand(command: readonly string[]): Command {
  const [first, ...rest] = command;
  return first === "node" ? nodeChild(rest) : { command: first!, args: rest };
}

export function azuriteSpec(location: string, ports: Ports, env: NodeJS.ProcessEnv): ProcessSpec {
  const blobPort = ports.AZURITE_BLOB_PORT!;
  const queuePort = ports.AZURITE_QUEUE_PORT!;
  const tablePort = ports.AZURITE_TABLE_PORT!;
  return {
    name: "azurite",
    ...nodeChild([
      azuriteScript(),
      ...azuriteArgs({ location, host: BIND_HOST, blobPort, queuePort, tablePort }),
    ]),
    // Azurite may drop files in its working directory; keep them with its data.
    cwd: location,
    env,
    readiness: { kind: "ports", host: BIND_HOST, ports: [blobPort, queuePort, tablePort] },
    readyTimeoutMs: CORE_READY_TIMEOUT_MS,
    hint: `read Azurite's last lines above; if its data is damaged, rename ${location} (Azurite then starts empty) and run again, or set AzureWebJobsStorage to use other storage`,
  };
}

export function cosmosSpec(dataDir: string, ports: Ports, env: NodeJS.ProcessEnv): ProcessSpec {
  const port = ports.COSMOS_PORT!;
  return {
    name: "cosmos",
    ...nodeChild([
      cosmosServerScript,
      "--host",
      BIND_HOST,
      "--port",
      String(port),
      "--snapshot",
      join(dataDir, "cosmos", "snapshot.json"),
    ]),
    cwd: dataDir,
    env,
    readiness: { kind: "ports", host: BIND_HOST, ports: [port] },
    readyTimeoutMs: CORE_READY_TIMEOUT_MS,
    hint: "read its last lines above, or set COSMOS_ENDPOINT and COSMOS_KEY to use another Cosmos DB",
  };
}

export function hostSpec(
  host: StackConfig["host"],
  appDir: string,
  ports: Ports,
  apiUrl: string,
  env: NodeJS.ProcessEnv,
): ProcessSpec {
  return {
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
    env,
    readiness: { kind: "http", url: `${apiUrl}${host.readyPath}`, strict: true },
    readyTimeoutMs: host.readyTimeoutSeconds * 1000,
    hint: `read the host's last lines above; the app in ${appDir} must be built and answer ${host.readyPath}`,
  };
}

function serviceReadiness(
  service: ServiceConfig,
  values: Readonly<Record<string, string>>,
): Readiness {
  if (service.once) return { kind: "exit" };
  if (service.readyPattern !== undefined) {
    return { kind: "pattern", pattern: new RegExp(service.readyPattern) };
  }
  if (service.readyUrl !== undefined) {
    return { kind: "http", url: substitute(service.readyUrl, values), strict: false };
  }
  if (service.port !== undefined) {
    return { kind: "ports", host: BIND_HOST, ports: [Number(values[service.port.name])] };
  }
  return { kind: "none" };
}

/** A configured service with every `${NAME}` filled from `values`. */
export function serviceSpec(
  service: ServiceConfig,
  values: Readonly<Record<string, string>>,
  baseDir: string,
  env: NodeJS.ProcessEnv,
  configPath: string,
): ProcessSpec {
  return {
    name: service.name,
    ...serviceCommand(substituteAll(service.command, values)),
    cwd: resolve(baseDir, substitute(service.cwd, values)),
    env: { ...env, ...substituteRecord(service.env, values) },
    readiness: serviceReadiness(service, values),
    readyTimeoutMs: service.readyTimeoutSeconds * 1000,
    hint: `read its last lines above and fix the "${service.name}" entry in ${configPath}, or skip it with --skip ${service.name}`,
  };
}
