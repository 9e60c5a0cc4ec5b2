// The seam between the generic function host (HTTP, queue and timer triggers) and trigger
// extensions such as Durable Functions. The host owns registration, invocation, logging and the
// HTTP server; an extension owns the trigger types it declares and may provide input bindings
// and HTTP endpoints of its own.
import type { IncomingMessage, ServerResponse } from "node:http";

/** One binding as `@azure/functions` declares it in `registerFunction` metadata. */
export interface BindingDefinition {
  type: string;
  direction: "in" | "out" | "inout";
  [property: string]: unknown;
}

/** A function the app registered through `@azure/functions-core`. */
export interface RegisteredFunction {
  name: string;
  bindings: Record<string, BindingDefinition>;
  /** Name of the binding whose type ends in `Trigger`. */
  triggerBindingName: string;
  trigger: BindingDefinition;
  /** The callback `@azure/functions` registered (the app's handler, or a library wrapper of it). */
  callback: (...args: unknown[]) => unknown;
  retryOptions?: unknown;
}

export interface InvokeOptions {
  /** Trigger metadata exposed as `context.triggerMetadata`. */
  triggerMetadata?: Record<string, unknown>;
  /** Id for the invocation; a random UUID when omitted. */
  invocationId?: string;
}

export interface HostLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What the host offers an extension once the app is loaded. */
export interface HostServices {
  /** Every function the app registered. */
  functions(): readonly RegisteredFunction[];
  /** Invokes a function: builds its InvocationContext (logging, extra inputs), awaits the callback. */
  invoke(fn: RegisteredFunction, triggerValue: unknown, options?: InvokeOptions): Promise<unknown>;
  /** Connection string for AzureWebJobsStorage (Azurite locally). */
  storageConnectionString: string;
  /** Parsed host.json of the app. */
  hostJson: Record<string, unknown>;
  /** Origin the host listens on, e.g. http://127.0.0.1:7071 */
  baseUrl: string;
  log: HostLogger;
}

export interface HostExtension {
  readonly name: string;
  /** Trigger binding types this extension runs, e.g. ["orchestrationTrigger", "activityTrigger"]. */
  readonly triggerTypes: readonly string[];
  /** Value for an input binding of a type this extension provides (e.g. `durableClient`), or undefined. */
  inputBinding?(binding: BindingDefinition, fn: RegisteredFunction): unknown;
  /** Requests whose path starts with this prefix go to handleHttp instead of function routes. */
  readonly httpPathPrefix?: string;
  handleHttp?(req: IncomingMessage, res: ServerResponse): Promise<void>;
  start(services: HostServices): Promise<void>;
  stop(): Promise<void>;
}
