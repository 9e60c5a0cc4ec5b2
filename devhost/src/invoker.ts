// Runs one function invocation: builds the InvocationContext, extra inputs, hooks, logging and timing.
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { format } from "node:util";
import type {
  BindingDefinition,
  HostExtension,
  InvokeOptions,
  RegisteredFunction,
} from "./extension.js";
import type { FunctionsLibrary, InvocationContextLike } from "./functions-library.js";
import type { LogSink } from "./logging.js";
import { toLogLevel } from "./logging.js";
import type { AppRegistry } from "./registry.js";
import { isTriggerType } from "./registry.js";

export interface Execution {
  result: unknown;
  context: InvocationContextLike;
}

export interface ExecuteOptions extends InvokeOptions {
  /** Why the function runs, shown in the "Executing" line like the host's Reason. */
  reason?: string;
}

interface PreparedFunction {
  options: Record<string, unknown>;
  extraInputs: readonly { name: string; binding: BindingDefinition }[];
}

const RETURN_BINDING = "$return";

/** Effective options as the library's fromRpcBindings builds them (each binding with its name). */
function prepare(fn: RegisteredFunction): PreparedFunction {
  let trigger: Record<string, unknown> | undefined;
  let returnBinding: Record<string, unknown> | undefined;
  const inputs: Record<string, unknown>[] = [];
  const outputs: Record<string, unknown>[] = [];
  const extraInputs: { name: string; binding: BindingDefinition }[] = [];
  for (const [name, binding] of Object.entries(fn.bindings)) {
    const named = { ...binding, name };
    if (isTriggerType(binding.type)) trigger = named;
    else if (name === RETURN_BINDING) returnBinding = named;
    else if (binding.direction === "in") {
      inputs.push(named);
      extraInputs.push({ name, binding });
    } else if (binding.direction === "out") outputs.push(named);
  }
  return {
    options: { trigger, return: returnBinding, extraInputs: inputs, extraOutputs: outputs },
    extraInputs,
  };
}

/** JSON strings become objects, as the worker's fromRpcTypedData does for `json` typed data. */
function toInputValue(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trimStart();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/**
 * durable-functions appends the whole orchestrator state (activity inputs included) to the
 * message of an orchestrator's error after this marker; it is replay data, not something to log.
 */
const DURABLE_STATE_MARKER = "$OutOfProcData$";

function describeError(error: unknown): string {
  const text =
    error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : format(error);
  const marker = text.indexOf(DURABLE_STATE_MARKER);
  return marker === -1 ? text : `${text.slice(0, marker)}[orchestrator state omitted]`;
}

/** Delivers a function's output bindings (other than HTTP responses) after it succeeds. */
export interface OutputWriter {
  hasOutputs(fn: RegisteredFunction): boolean;
  write(
    fn: RegisteredFunction,
    source: { result: unknown; extraOutput(name: string): unknown },
  ): Promise<void>;
}

export interface InvokerDeps {
  library: FunctionsLibrary;
  registry: AppRegistry;
  extensions: readonly HostExtension[];
  sink: LogSink;
  /** Shared with appStart/appTerminate hooks, as the worker's appHookData. */
  appHookData: Record<string, unknown>;
  outputs?: OutputWriter;
}

/** Invokes registered functions and tracks those in flight so the host can stop gracefully. */
export class Invoker {
  readonly #deps: InvokerDeps;
  readonly #prepared = new WeakMap<RegisteredFunction, PreparedFunction>();
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(deps: InvokerDeps) {
    this.#deps = deps;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Waits for every invocation in flight to settle. */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  async invoke(
    fn: RegisteredFunction,
    triggerValue: unknown,
    options?: ExecuteOptions,
  ): Promise<unknown> {
    return (await this.execute(fn, triggerValue, options)).result;
  }

  execute(
    fn: RegisteredFunction,
    triggerValue: unknown,
    options: ExecuteOptions = {},
  ): Promise<Execution> {
    const run = this.#run(fn, triggerValue, options);
    this.#inFlight.add(run);
    const forget = (): void => {
      this.#inFlight.delete(run);
    };
    run.then(forget, forget);
    return run;
  }

  #preparedFor(fn: RegisteredFunction): PreparedFunction {
    let prepared = this.#prepared.get(fn);
    if (prepared === undefined) {
      prepared = prepare(fn);
      this.#prepared.set(fn, prepared);
    }
    return prepared;
  }

  async #run(
    fn: RegisteredFunction,
    triggerValue: unknown,
    options: ExecuteOptions,
  ): Promise<Execution> {
    const { library, sink, registry } = this.#deps;
    const prepared = this.#preparedFor(fn);
    const invocationId = options.invocationId ?? randomUUID();
    const functionName = fn.name;
    const context = new library.InvocationContext({
      invocationId,
      functionName,
      triggerMetadata: options.triggerMetadata,
      options: prepared.options,
      logHandler: (level: unknown, ...args: unknown[]) => {
        sink.write({
          time: new Date(),
          level: toLogLevel(level),
          message: format(...args),
          functionName,
          invocationId,
        });
      },
    });
    for (const { name, binding } of prepared.extraInputs) {
      const value = this.#inputValue(binding, fn);
      if (value !== undefined) context.extraInputs.set(name, toInputValue(value));
    }

    const reason = options.reason ?? "This function was programmatically called via the host APIs.";
    sink.write({
      time: new Date(),
      level: "information",
      message: `Executing 'Functions.${functionName}' (Reason='${reason}', Id=${invocationId})`,
      functionName,
      invocationId,
    });
    const started = performance.now();
    const preHooks = registry.hooks("preInvocation");
    const postHooks = registry.hooks("postInvocation");
    const hookData: Record<string, unknown> = {};
    let callback = fn.callback;
    let inputs: unknown[] = [triggerValue];
    try {
      if (preHooks.length > 0) {
        const hookContext: Record<string, unknown> = {
          invocationContext: context,
          inputs,
          functionCallback: callback,
          hookData,
          appHookData: this.#deps.appHookData,
        };
        for (const hook of preHooks) await hook(hookContext);
        callback = hookContext.functionCallback as RegisteredFunction["callback"];
        inputs = hookContext.inputs as unknown[];
      }
      let result: unknown;
      let error: unknown;
      let failed = false;
      try {
        result = await callback(...inputs, context);
      } catch (caught) {
        failed = true;
        error = caught;
      }
      if (postHooks.length > 0) {
        const hookContext: Record<string, unknown> = {
          invocationContext: context,
          inputs,
          result,
          error,
          hookData,
          appHookData: this.#deps.appHookData,
        };
        for (const hook of postHooks) await hook(hookContext);
        result = hookContext.result;
        error = hookContext.error;
        failed = error !== undefined && error !== null;
      }
      if (failed) throw error;
      const { outputs } = this.#deps;
      if (outputs?.hasOutputs(fn)) {
        await outputs.write(fn, { result, extraOutput: (name) => context.extraOutputs.get(name) });
      }
      this.#logDone(fn, invocationId, started, undefined);
      return { result, context };
    } catch (error) {
      this.#logDone(fn, invocationId, started, error);
      throw error;
    }
  }

  #inputValue(binding: BindingDefinition, fn: RegisteredFunction): unknown {
    for (const extension of this.#deps.extensions) {
      const value = extension.inputBinding?.(binding, fn);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  #logDone(fn: RegisteredFunction, invocationId: string, started: number, error: unknown): void {
    const duration = Math.round(performance.now() - started);
    const { sink } = this.#deps;
    const functionName = fn.name;
    if (error === undefined) {
      sink.write({
        time: new Date(),
        level: "information",
        message: `Executed 'Functions.${functionName}' (Succeeded, Id=${invocationId}, Duration=${duration}ms)`,
        functionName,
        invocationId,
      });
      return;
    }
    sink.write({
      time: new Date(),
      level: "error",
      message: `Executed 'Functions.${functionName}' (Failed, Id=${invocationId}, Duration=${duration}ms)\n${describeError(error)}`,
      functionName,
      invocationId,
    });
  }
}
