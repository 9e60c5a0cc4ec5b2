import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HostExtension, HostServices, RegisteredFunction } from "../../src/extension.js";
import { startHost, type RunningHost } from "../../src/host.js";
import { capturingSink, fixture } from "./helpers.js";

const hookLog = (): string[] =>
  ((globalThis as { __devhostHookLog?: string[] }).__devhostHookLog ??= []);

const clientBinding = {
  taskHubName: "FixtureHub",
  creationUrls: {
    createNewInstancePostUri:
      "http://127.0.0.1:1/runtime/webhooks/durabletask/orchestrators/{functionName}",
  },
  managementUrls: {
    id: "INSTANCEID",
    statusQueryGetUri: "http://127.0.0.1:1/runtime/webhooks/durabletask/instances/INSTANCEID",
  },
  baseUrl: "http://127.0.0.1:1/runtime/webhooks/durabletask",
  requiredQueryStringParameters: "",
  rpcBaseUrl: "http://127.0.0.1:1/durabletask/",
};

/** A stand-in for the Durable extension: claims its triggers, provides the client binding and an HTTP prefix. */
function fakeDurableExtension(): HostExtension & { services?: HostServices; stopped: boolean } {
  const extension: HostExtension & { services?: HostServices; stopped: boolean } = {
    name: "fake-durable",
    triggerTypes: ["orchestrationTrigger", "activityTrigger"],
    httpPathPrefix: "/runtime/webhooks/durabletask/",
    stopped: false,
    inputBinding: (binding) =>
      binding.type === "durableClient" ? JSON.stringify(clientBinding) : undefined,
    async handleHttp(_req, res) {
      res.writeHead(200, { "content-type": "text/plain" }).end("handled by extension");
    },
    async start(services) {
      extension.services = services;
    },
    async stop() {
      extension.stopped = true;
    },
  };
  return extension;
}

describe("registration through @azure/functions-core", () => {
  it("rejects an app that registers the same function name twice (CommonJS entry)", async () => {
    await expect(
      startHost({ appDir: fixture("dup-app"), port: 0, logger: capturingSink() }),
    ).rejects.toThrow(/A function with the name "Same" has already been registered/);
  });
});

describe("the extension seam with durable-functions", () => {
  let host: RunningHost;
  const extension = fakeDurableExtension();
  const find = (name: string): RegisteredFunction => host.functions.find((f) => f.name === name)!;

  beforeAll(async () => {
    process.env.FIXTURE_PRESET = "from-environment";
    host = await startHost({
      appDir: fixture("durable-app"),
      port: 0,
      logger: capturingSink(),
      extensions: [extension],
    });
  });

  afterAll(async () => {
    await host?.stop();
  });

  it("captures orchestration, activity and HTTP registrations with their bindings", () => {
    expect(find("helloSequence").trigger.type).toBe("orchestrationTrigger");
    expect(find("sayHello").trigger.type).toBe("activityTrigger");
    const inputs = Object.values(find("starter").bindings).filter(
      (b) => b.direction === "in" && b.type === "durableClient",
    );
    expect(inputs).toHaveLength(1);
    expect(extension.services?.functions()).toHaveLength(3);
    expect(extension.services?.baseUrl).toBe(host.url);
  });

  it("gives df.getClient(context) the durable client binding from the extension", async () => {
    const res = await fetch(`${host.url}/start`, { method: "POST" });
    expect(res.status).toBe(200);
    // local.settings.json fills FIXTURE_GREETING but does not override FIXTURE_PRESET, already set.
    expect(await res.json()).toEqual({ taskHubName: "FixtureHub", preset: "from-environment" });
  });

  it("invokes an activity with its input through HostServices.invoke, running invocation hooks", async () => {
    expect(await extension.services!.invoke(find("sayHello"), "World")).toBe("Hello World");
    expect(hookLog()).toContain("appStart");
    expect(hookLog()).toContain("pre:sayHello");
    expect(hookLog()).toContain("post:sayHello:preInvocation:Hello World");
  });

  it("invokes an orchestration with durable-functions' input shape and returns its state", async () => {
    const now = new Date().toISOString();
    const state = (await extension.services!.invoke(find("helloSequence"), {
      history: [
        { EventType: 12, EventId: -1, IsPlayed: false, Timestamp: now },
        {
          EventType: 0,
          EventId: -1,
          IsPlayed: false,
          Timestamp: now,
          Name: "helloSequence",
          Input: JSON.stringify("in"),
        },
      ],
      input: "in",
      instanceId: "abc123",
      isReplaying: false,
      parentInstanceId: undefined,
      upperSchemaVersion: 1,
    })) as {
      isDone: boolean;
      actions: { actionType: number; functionName: string; input: unknown }[][];
    };
    expect(state.isDone).toBe(false);
    const [action] = state.actions[0] ?? [];
    expect(action).toMatchObject({ actionType: 0, functionName: "sayHello" });
    // durable-functions serialises activity inputs as JSON, as the extension expects.
    expect(JSON.parse(String(action?.input))).toBe("Tokyo");
  });

  it("routes requests under the extension's path prefix to its handleHttp", async () => {
    const res = await fetch(`${host.url}/runtime/webhooks/durabletask/instances/x`);
    expect(await res.text()).toBe("handled by extension");
  });

  it("refuses a registration after start-up", () => {
    const { app } = createRequire(`${fixture("durable-app")}/package.json`)("@azure/functions") as {
      app: { get(name: string, options: unknown): void };
    };
    expect(() => app.get("late", { handler: () => ({}) })).toThrow(
      "A function can only be registered during app startup.",
    );
  });

  it("stops the extension with the host and runs appTerminate hooks", async () => {
    await host.stop();
    expect(extension.stopped).toBe(true);
    expect(hookLog().at(-1)).toBe("appTerminate:appStart");
  });
});
