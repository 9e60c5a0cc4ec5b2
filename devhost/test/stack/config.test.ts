import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadStackConfig, parseStackConfig } from "../../src/stack/config.js";
import { StackError } from "../../src/stack/stack-error.js";

const minimal = { cosmos: { database: "db" } };

function problem(json: unknown): string {
  try {
    parseStackConfig(json, "stack.json");
  } catch (error) {
    expect(error).toBeInstanceOf(StackError);
    return (error as StackError).message;
  }
  throw new Error("expected the config to be rejected");
}

describe("stack config validation", () => {
  it("fills defaults for a minimal config", () => {
    const config = parseStackConfig(minimal, "stack.json");
    expect(config.host).toEqual({
      appDir: ".",
      readyPath: "/api/health",
      env: {},
      readyTimeoutSeconds: 120,
    });
    expect(config.storage).toEqual({ queues: [], tables: [], blobContainers: [] });
    expect(config.services).toEqual([]);
    expect(config.portEnvPrefix).toBe("DEVHOST_");
  });

  it("names the field at fault in one line", () => {
    const message = problem({
      cosmos: { database: "db", containers: [{ id: "jobs", partitionKey: "buyerId" }] },
    });
    expect(message).toMatch(
      /^stack\.json is invalid at cosmos\.containers\[0\]\.partitionKey: .*path.*; fix it and run again\.$/,
    );
    expect(message).not.toContain("\n");
  });

  it("rejects unknown fields, so a typo does not pass silently", () => {
    expect(problem({ ...minimal, servces: [] })).toMatch(/invalid: .*servces/);
  });

  it("rejects storage names Azure would refuse", () => {
    expect(problem({ ...minimal, storage: { queues: ["Bad_Queue"] } })).toMatch(
      /at storage\.queues\[0\]/,
    );
    expect(problem({ ...minimal, storage: { tables: ["a-b"] } })).toMatch(
      /at storage\.tables\[0\]/,
    );
  });

  it("rejects an invalid readyPattern", () => {
    expect(
      problem({ ...minimal, services: [{ name: "web", command: ["x"], readyPattern: "(" }] }),
    ).toMatch(/at services\[0\]\.readyPattern: must be a valid regular expression/);
  });

  it("rejects a placeholder that is not a stack value, and accepts declared service ports", () => {
    expect(
      problem({
        ...minimal,
        services: [{ name: "web", command: ["vite", "--port", "${WEB_PORT}"] }],
      }),
    ).toMatch(/at services\[0\]\.command\[2\]: \$\{WEB_PORT\} is not a stack value/);
    const config = parseStackConfig(
      {
        ...minimal,
        services: [
          {
            name: "web",
            command: ["vite", "--port", "${WEB_PORT}"],
            port: { name: "WEB_PORT", default: 5173, env: "WC_WEB_PORT" },
            env: { API: "${API_URL}" },
          },
        ],
      },
      "stack.json",
    );
    expect(config.services[0]!.port?.default).toBe(5173);
  });

  it("rejects a service named like a built-in part", () => {
    expect(problem({ ...minimal, services: [{ name: "host", command: ["x"] }] })).toMatch(
      /at services: "host" is a built-in part of the stack/,
    );
  });

  it("lets a service use the values it reads from JSON files, and only that service", () => {
    const reader = {
      name: "register",
      command: ["agent", "--key", "${SELLER_KEY}"],
      values: { SELLER_KEY: { jsonFile: "${DATA_DIR}/accounts.json", pointer: "/seller/apiKey" } },
    };
    expect(
      parseStackConfig({ ...minimal, services: [reader] }, "stack.json").services[0]!.values,
    ).toEqual(reader.values);
    expect(
      problem({
        ...minimal,
        services: [reader, { name: "other", command: ["x", "${SELLER_KEY}"] }],
      }),
    ).toMatch(/at services\[1\]\.command\[1\]: \$\{SELLER_KEY\} is not a stack value/);
    expect(
      problem({
        ...minimal,
        services: [{ ...reader, values: { K: { jsonFile: "a.json", pointer: "seller" } } }],
      }),
    ).toMatch(/at services\[0\]\.values\.K\.pointer: must be a JSON pointer/);
  });

  it("rejects two services with one name", () => {
    expect(
      problem({
        ...minimal,
        services: [
          { name: "a", command: ["x"] },
          { name: "a", command: ["y"] },
        ],
      }),
    ).toMatch(/at services: two services are named "a"/);
  });

  it("reports JSON syntax errors and missing files as one line", async () => {
    const dir = await mkdtemp(join(tmpdir(), "devhost-config-"));
    try {
      await writeFile(join(dir, "bad.json"), "{ nope");
      await expect(loadStackConfig(join(dir, "bad.json"))).rejects.toThrow(
        /bad\.json is invalid: not valid JSON/,
      );
      await expect(loadStackConfig(join(dir, "absent.json"))).rejects.toThrow(
        /was not found: create it or pass --config PATH/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("accepts this repository's devhost.stack.json", async () => {
    const path = new URL("../../../devhost.stack.json", import.meta.url);
    const config = parseStackConfig(JSON.parse(await readFile(path, "utf8")), "devhost.stack.json");
    expect(config.cosmos.database).toBe("wastecompute");
    expect(config.cosmos.containers.map((c) => `${c.id}:${c.partitionKey}`)).toEqual([
      "accounts:/id",
      "jobs:/buyerId",
      "nodes:/sellerId",
      "ledger:/accountId",
      "carbon:/buyerId",
      "idempotency:/buyerId",
    ]);
    expect(config.storage.blobContainers).toEqual(["logs", "artifacts"]);
  });
});
