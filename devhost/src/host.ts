// Starts a local Functions host for a Node.js v4 app: loads it, serves HTTP triggers, polls queues,
// fires timers and runs trigger extensions (such as Durable) through one shared invoker.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import {
  applySettings,
  importEntryFiles,
  readHostJson,
  readLocalSettings,
  resolveEntryFiles,
} from "./app-loader.js";
import { HOST_VERSION, loadWithRegistry } from "./core-api.js";
import type { HostExtension, HostServices, RegisteredFunction } from "./extension.js";
import { loadFunctionsLibrary } from "./functions-library.js";
import { parseHostConfig, resolveAppSettings, type HostConfig } from "./host-config.js";
import { DEFAULT_MAX_REQUEST_BODY_BYTES } from "./http/request-body.js";
import { buildRoutes, type HttpRoute } from "./http/router.js";
import { createHttpHandler } from "./http/server.js";
import { Invoker } from "./invoker.js";
import { createConsoleSink, hostLogger, toLogLevel, type LogSink } from "./logging.js";
import { QueueClients } from "./queue/clients.js";
import { poisonQueueName, QueueListener } from "./queue/listener.js";
import { QueueOutputWriter } from "./queue/output.js";
import { AppRegistry, type HookName } from "./registry.js";
import { TimerListener } from "./timer/listener.js";
import { parseTimerSchedule } from "./timer/schedule.js";

export interface StartHostOptions {
  /** Function app root: package.json ("main"), host.json, optional local.settings.json. */
  appDir: string;
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  extensions?: readonly HostExtension[];
  /** App settings that take precedence over the environment and local.settings.json. */
  env?: Record<string, string>;
  /** Where host and invocation logs go (default: readable lines on stdout). */
  logger?: LogSink;
  /** Request body limit in bytes (default FUNCTIONS_REQUEST_BODY_SIZE_LIMIT or 100 MB). */
  maxRequestBodyBytes?: number;
  /** How long stop() waits for open HTTP responses before cutting them (default 10 s). */
  shutdownTimeoutMs?: number;
}

export interface RunningHost {
  url: string;
  port: number;
  functions: readonly RegisteredFunction[];
  stop(): Promise<void>;
}

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
const STORAGE_SETTING = "AzureWebJobsStorage";
const BUILT_IN_TRIGGERS = new Set(["httptrigger", "queuetrigger", "timertrigger"]);

interface Listener {
  stop(): Promise<void>;
}

function maxBodyBytes(option: number | undefined): number {
  if (option !== undefined) return option;
  const fromEnv = Number(process.env.FUNCTIONS_REQUEST_BODY_SIZE_LIMIT);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_MAX_REQUEST_BODY_BYTES;
}

/** The origin clients use: a wildcard listen address is reached through loopback. */
function originFor(listenHost: string, port: number): string {
  if (listenHost === "0.0.0.0" || listenHost === "::") return `http://127.0.0.1:${port}`;
  return listenHost.includes(":")
    ? `http://[${listenHost}]:${port}`
    : `http://${listenHost}:${port}`;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => {
      server.off("error", fail);
      done((server.address() as AddressInfo).port);
    });
  });
}

/** Interval at which a stopping server drops keep-alive connections that became idle. */
const IDLE_SWEEP_MS = 50;

function closeServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((done) => {
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    // close() only drops connections idle at that moment; ones finishing a response later must go too.
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    server.close(() => {
      clearTimeout(force);
      clearInterval(sweep);
      done();
    });
    server.closeIdleConnections();
  });
}

function describeFunction(
  fn: RegisteredFunction,
  route: HttpRoute | undefined,
  baseUrl: string,
): string {
  if (route !== undefined) {
    const methods = route.methods === undefined ? "ALL" : [...route.methods].join(",");
    return `${fn.name}: [${methods}] ${baseUrl}/${route.template.template}`;
  }
  const detail = fn.trigger.queueName ?? fn.trigger.schedule;
  return `${fn.name}: ${fn.trigger.type}${typeof detail === "string" ? ` (${detail})` : ""}`;
}

async function runHooks(
  registry: AppRegistry,
  name: HookName,
  context: Record<string, unknown>,
): Promise<void> {
  for (const hook of registry.hooks(name)) await hook(context);
}

function createQueueListeners(
  functions: readonly RegisteredFunction[],
  config: HostConfig,
  clients: QueueClients,
  invoker: Invoker,
  sink: LogSink,
): QueueListener[] {
  return functions
    .filter((fn) => fn.trigger.type.toLowerCase() === "queuetrigger")
    .map((fn) => {
      const queue = clients.forBinding(fn, fn.trigger);
      return new QueueListener({
        fn,
        queue,
        poison: clients.service(fn, fn.trigger).getQueueClient(poisonQueueName(queue.name)),
        settings: config.queues,
        invoke: (value, options) => invoker.invoke(fn, value, options),
        sink,
      });
    });
}

function createTimerListeners(
  functions: readonly RegisteredFunction[],
  invoker: Invoker,
  sink: LogSink,
): TimerListener[] {
  const timeZone = process.env.WEBSITE_TIME_ZONE || undefined;
  return functions
    .filter((fn) => fn.trigger.type.toLowerCase() === "timertrigger")
    .map((fn) => {
      if (typeof fn.trigger.schedule !== "string")
        throw new Error(`Timer trigger "${fn.name}" has no schedule.`);
      const schedule = parseTimerSchedule(
        resolveAppSettings(fn.trigger.schedule, process.env),
        timeZone,
      );
      return new TimerListener({
        fn,
        schedule,
        runOnStartup: fn.trigger.runOnStartup === true,
        invoke: (timer, reason) => invoker.invoke(fn, timer, { reason }),
        sink,
      });
    });
}

/** Loads the app in `appDir` and starts serving it; resolves once every trigger is listening. */
export async function startHost(options: StartHostOptions): Promise<RunningHost> {
  const appDir = resolve(options.appDir);
  const sink = options.logger ?? createConsoleSink();
  const extensions = options.extensions ?? [];
  const log = hostLogger(sink);

  for (const [key, value] of Object.entries(options.env ?? {})) process.env[key] = value;
  applySettings(await readLocalSettings(appDir), process.env);
  const hostJson = await readHostJson(appDir);
  const config = parseHostConfig(hostJson);

  const registry = new AppRegistry();
  const entryFiles = await resolveEntryFiles(appDir);
  const systemLog = (level: string, message: string): void =>
    sink.write({ time: new Date(), level: toLogLevel(level), message });
  await loadWithRegistry(registry, systemLog, () => importEntryFiles(entryFiles));
  const functions = registry.functions();
  const library = loadFunctionsLibrary(appDir);

  const extensionTriggers = new Set(
    extensions.flatMap((e) => e.triggerTypes.map((t) => t.toLowerCase())),
  );
  for (const fn of functions) {
    const type = fn.trigger.type.toLowerCase();
    if (!BUILT_IN_TRIGGERS.has(type) && !extensionTriggers.has(type)) {
      log.warn(
        `Function "${fn.name}" uses trigger "${fn.trigger.type}", which devhost cannot run; it is ignored.`,
      );
    }
  }

  const appHookData: Record<string, unknown> = {};
  const queueClients = new QueueClients(process.env);
  const outputs = new QueueOutputWriter(queueClients, config.queues.messageEncoding);
  const invoker = new Invoker({ library, registry, extensions, sink, appHookData, outputs });
  const routes = buildRoutes(functions, config.routePrefix);
  const timers = createTimerListeners(functions, invoker, sink);
  const queues = createQueueListeners(functions, config, queueClients, invoker, sink);
  // App-level hooks share one hookData, as the worker's appHookData.
  await runHooks(registry, "appStart", {
    hookData: appHookData,
    appHookData,
    functionAppDirectory: appDir,
  });

  let baseUrl = "";
  const server = createServer(
    createHttpHandler({
      routes,
      functions,
      invoker,
      library,
      extensions,
      sink,
      maxRequestBodyBytes: maxBodyBytes(options.maxRequestBodyBytes),
      hostVersion: HOST_VERSION,
      fallbackOrigin: () => baseUrl,
    }),
  );
  const listenHost = options.host ?? "127.0.0.1";
  const port = await listen(server, options.port, listenHost);
  baseUrl = originFor(listenHost, port);

  const started: Listener[] = [];
  const startedExtensions: HostExtension[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const closed = closeServer(server, options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
      await Promise.allSettled(started.map((l) => l.stop()));
      for (const extension of [...startedExtensions].reverse()) {
        await extension
          .stop()
          .catch((error: unknown) =>
            log.error(`Extension "${extension.name}" failed to stop: ${String(error)}`),
          );
      }
      await closed;
      await invoker.drain();
      await runHooks(registry, "appTerminate", { hookData: appHookData, appHookData }).catch(
        (error: unknown) => log.error(`appTerminate hook failed: ${String(error)}`),
      );
      log.info("Host stopped.");
    })();
    return stopping;
  };

  const services: HostServices = {
    functions: () => functions,
    invoke: (fn, triggerValue, invokeOptions) => invoker.invoke(fn, triggerValue, invokeOptions),
    storageConnectionString: process.env[STORAGE_SETTING] ?? "UseDevelopmentStorage=true",
    hostJson,
    baseUrl,
    log,
  };
  try {
    for (const extension of extensions) {
      await extension.start({ ...services, log: hostLogger(sink, extension.name) });
      startedExtensions.push(extension);
    }
    for (const queue of queues) {
      await queue.start();
      started.push(queue);
    }
    for (const timer of timers) {
      timer.start();
      started.push(timer);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const routeOf = new Map(routes.map((r) => [r.fn, r]));
  log.info(
    `Host started on ${baseUrl} with ${functions.length} function(s):${functions
      .map((fn) => `\n  ${describeFunction(fn, routeOf.get(fn), baseUrl)}`)
      .join("")}`,
  );
  return { url: baseUrl, port, functions, stop };
}
