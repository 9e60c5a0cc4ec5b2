// Provides the worker's built-in `@azure/functions-core` module so `@azure/functions` registers
// its functions with devhost, exactly as the Node.js worker does by wrapping Module.prototype.require.
import Module from "node:module";
import { Disposable } from "./disposable.js";
import type { AppRegistry } from "./registry.js";
import { RegistrationError } from "./registry.js";

/** Worker version devhost reports; a recent 3.x so the library enables its newest behaviour. */
export const WORKER_VERSION = "3.10.1";
/** Functions host version devhost reports (log hooks and streaming need >= 4.34 on the real host). */
export const HOST_VERSION = "4.1040.0";

/** Receives the library's system logs (`coreApi.log`) for the app being or last loaded. */
export type SystemLog = (level: string, message: string) => void;

let loading: AppRegistry | undefined;
let lastLoaded: AppRegistry | undefined;
let systemLog: SystemLog | undefined;
let programmingModel: unknown;
let loadQueue: Promise<unknown> = Promise.resolve();

const coreApi = Object.freeze({
  version: WORKER_VERSION,
  hostVersion: HOST_VERSION,
  registerHook(hookName: unknown, callback: unknown): Disposable {
    const target = loading ?? lastLoaded;
    if (target === undefined)
      throw new RegistrationError("No app is loaded to register a hook with.");
    return target.registerHook(hookName, callback);
  },
  setProgrammingModel(model: unknown): void {
    programmingModel = model;
  },
  getProgrammingModel(): unknown {
    return programmingModel;
  },
  registerFunction(metadata: unknown, callback: unknown): Disposable {
    if (loading === undefined)
      throw new RegistrationError("A function can only be registered during app startup.");
    return loading.registerFunction(metadata, callback);
  },
  /** Present since worker 3.x / host 4.28; the library checks it before enabling HTTP streaming. */
  log(level: unknown, _category: unknown, message: unknown): void {
    systemLog?.(String(level), String(message));
  },
  Disposable,
});

let installed = false;

/** Makes `require('@azure/functions-core')` resolve to devhost's core API (idempotent, process-wide). */
export function installCoreApi(): void {
  if (installed) return;
  installed = true;
  const original = Module.prototype.require;
  Module.prototype.require = new Proxy(original, {
    apply(target, thisArg: unknown, args: unknown[]): unknown {
      if (args[0] === "@azure/functions-core") return coreApi;
      return Reflect.apply(target, thisArg, args);
    },
  });
}

/**
 * Runs `load` with `registry` receiving registrations, then locks it. Loads are serialised because
 * the core module is process-wide: two hosts starting at once must not mix their functions.
 */
export function loadWithRegistry<T>(
  registry: AppRegistry,
  log: SystemLog,
  load: () => Promise<T>,
): Promise<T> {
  installCoreApi();
  const run = async (): Promise<T> => {
    loading = registry;
    systemLog = log;
    try {
      return await load();
    } finally {
      loading = undefined;
      registry.lock();
      lastLoaded = registry;
    }
  };
  const result = loadQueue.then(run, run);
  loadQueue = result.catch(() => undefined);
  return result;
}
