import { describe, expect, it } from "vitest";
import { AppRegistry, RegistrationError } from "./registry.js";

const httpMetadata = (name: string) => ({
  name,
  bindings: {
    req: { type: "httpTrigger", direction: "in", methods: ["GET"] },
    $return: { type: "http", direction: "out" },
  },
});

describe("AppRegistry", () => {
  it("captures a function with its trigger binding", () => {
    const registry = new AppRegistry();
    const handler = () => "ok";
    registry.registerFunction(httpMetadata("hello"), handler);
    const [fn] = registry.functions();
    expect(fn).toMatchObject({
      name: "hello",
      triggerBindingName: "req",
      trigger: { type: "httpTrigger" },
    });
    expect(fn?.callback).toBe(handler);
  });

  it("rejects duplicates, missing triggers, and registrations after start-up", () => {
    const registry = new AppRegistry();
    registry.registerFunction(httpMetadata("hello"), () => undefined);
    expect(() => registry.registerFunction(httpMetadata("HELLO"), () => undefined)).toThrow(
      RegistrationError,
    );
    expect(() =>
      registry.registerFunction(
        { name: "noTrigger", bindings: { x: { type: "queue", direction: "out" } } },
        () => undefined,
      ),
    ).toThrow(/exactly one trigger/);
    registry.lock();
    expect(() => registry.registerFunction(httpMetadata("late"), () => undefined)).toThrow(
      "A function can only be registered during app startup.",
    );
  });

  it("lets a registration be disposed during start-up only", () => {
    const registry = new AppRegistry();
    registry.registerFunction(httpMetadata("gone"), () => undefined).dispose();
    expect(registry.functions()).toHaveLength(0);
    const kept = registry.registerFunction(httpMetadata("kept"), () => undefined);
    registry.lock();
    expect(() => kept.dispose()).toThrow(/disposed during app startup/);
  });

  it("keeps hooks by name and rejects unknown hook names like the worker", () => {
    const registry = new AppRegistry();
    const hook = () => undefined;
    const disposable = registry.registerHook("preInvocation", hook);
    expect(registry.hooks("preInvocation")).toEqual([hook]);
    disposable.dispose();
    expect(registry.hooks("preInvocation")).toEqual([]);
    expect(() => registry.registerHook("onWhatever", hook)).toThrow(RangeError);
  });
});
