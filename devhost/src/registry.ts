// Collects what one app registers through `@azure/functions-core`: functions and lifecycle hooks.
import { Disposable } from "./disposable.js";
import type { BindingDefinition, RegisteredFunction } from "./extension.js";

export type HookName = "appStart" | "appTerminate" | "preInvocation" | "postInvocation";
export type HookCallback = (context: Record<string, unknown>) => unknown;

const hookNames: readonly string[] = [
  "appStart",
  "appTerminate",
  "preInvocation",
  "postInvocation",
];

/** Thrown for registrations the real worker rejects, with the worker's wording. */
export class RegistrationError extends Error {
  override name = "RegistrationError";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isBinding(value: unknown): value is BindingDefinition {
  return (
    isRecord(value) &&
    typeof value.type === "string" &&
    (value.direction === "in" || value.direction === "out" || value.direction === "inout")
  );
}

export function isTriggerType(type: string): boolean {
  return /trigger$/i.test(type);
}

/** Validates `registerFunction` metadata and turns it into a RegisteredFunction. */
export function toRegisteredFunction(metadata: unknown, callback: unknown): RegisteredFunction {
  if (!isRecord(metadata) || typeof metadata.name !== "string" || metadata.name === "") {
    throw new RegistrationError('Function metadata must have a non-empty "name".');
  }
  if (typeof callback !== "function") {
    throw new RegistrationError(`Function "${metadata.name}" has no callback.`);
  }
  if (!isRecord(metadata.bindings)) {
    throw new RegistrationError(`Function "${metadata.name}" has no bindings.`);
  }
  const bindings: Record<string, BindingDefinition> = {};
  for (const [bindingName, binding] of Object.entries(metadata.bindings)) {
    if (!isBinding(binding)) {
      throw new RegistrationError(
        `Binding "${bindingName}" of function "${metadata.name}" needs a type and direction.`,
      );
    }
    bindings[bindingName] = binding;
  }
  const triggers = Object.entries(bindings).filter(([, b]) => isTriggerType(b.type));
  const [first] = triggers;
  if (triggers.length !== 1 || first === undefined) {
    throw new RegistrationError(
      `Function "${metadata.name}" must have exactly one trigger binding.`,
    );
  }
  const [triggerBindingName, trigger] = first;
  const fn: RegisteredFunction = {
    name: metadata.name,
    bindings,
    triggerBindingName,
    trigger,
    callback: callback as RegisteredFunction["callback"],
  };
  if (metadata.retryOptions !== undefined) fn.retryOptions = metadata.retryOptions;
  return fn;
}

/** Functions and hooks of one app; locked once start-up ends, like the worker's channel. */
export class AppRegistry {
  readonly #functions = new Map<string, RegisteredFunction>();
  readonly #hooks = new Map<HookName, HookCallback[]>();
  #locked = false;

  get locked(): boolean {
    return this.#locked;
  }

  functions(): readonly RegisteredFunction[] {
    return [...this.#functions.values()];
  }

  registerFunction(metadata: unknown, callback: unknown): Disposable {
    if (this.#locked)
      throw new RegistrationError("A function can only be registered during app startup.");
    const fn = toRegisteredFunction(metadata, callback);
    const key = fn.name.toLowerCase();
    // Function names are case-insensitive on the host, so "Foo" and "foo" collide.
    if (this.#functions.has(key)) {
      throw new RegistrationError(
        `A function with the name "${fn.name}" has already been registered.`,
      );
    }
    this.#functions.set(key, fn);
    return new Disposable(() => {
      if (this.#locked)
        throw new RegistrationError("A function can only be disposed during app startup.");
      this.#functions.delete(key);
    });
  }

  registerHook(hookName: unknown, callback: unknown): Disposable {
    if (typeof hookName !== "string" || !hookNames.includes(hookName)) {
      throw new RangeError(`Unrecognized hook "${String(hookName)}"`);
    }
    if (typeof callback !== "function") throw new TypeError(`Hook "${hookName}" needs a callback.`);
    const name = hookName as HookName;
    const list = this.#hooks.get(name) ?? [];
    const hook = callback as HookCallback;
    list.push(hook);
    this.#hooks.set(name, list);
    return new Disposable(() => {
      const at = list.indexOf(hook);
      if (at >= 0) list.splice(at, 1);
    });
  }

  hooks(name: HookName): readonly HookCallback[] {
    return this.#hooks.get(name) ?? [];
  }

  lock(): void {
    this.#locked = true;
  }
}
