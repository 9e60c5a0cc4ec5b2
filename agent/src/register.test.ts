import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HardwareSpec } from "@wastecompute/contracts";
import { describe, expect, it } from "vitest";
import { ApiClient } from "./api-client.js";
import { ConfigError } from "./config.js";
import { buildRegisterRequest, registerAndSave } from "./register.js";

const hardware: HardwareSpec = {
  cpuModel: "AMD EPYC",
  cpuCores: 2,
  cpuThreads: 2,
  cpuSpeedGhz: 0,
  memoryMb: 24105,
  gpus: [],
  os: "Debian 12",
  arch: "x64",
  benchmarkScore: 1000,
};
const input = {
  name: "box-1",
  region: "eu-west",
  timeZone: "Europe/Berlin",
  slots: 8,
  agentVersion: "0.1.0",
};

const answering =
  (status: number, body: unknown): typeof fetch =>
  async () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": status >= 400 ? "application/problem+json" : "application/json" },
    });

describe("registration", () => {
  it("builds a valid request, never offering more slots than hardware threads", () => {
    const request = buildRegisterRequest(input, hardware, "bubblewrap");
    expect(request).toMatchObject({
      name: "box-1",
      region: "eu-west",
      timeZone: "Europe/Berlin",
      slots: 2,
      isolation: "bubblewrap",
    });
    expect(request.policy.maxOwnerLoad).toBe(0.5);
  });

  it("saves node id, token and queue access to a 0600 config file", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "wc-reg-")), "agent.json");
    const answer = {
      nodeId: "node-1",
      nodeToken: "tok-secret",
      queue: {
        queueName: "node-node-1",
        queueUrl: "http://q/node-node-1?sig=x",
        mode: "sas",
        expiresAt: "2026-12-05T00:00:00Z",
      },
      heartbeatIntervalSec: 15,
    };
    const api = new ApiClient({
      baseUrl: "http://api.test",
      bearer: "key",
      fetchImpl: answering(201, answer),
    });
    await registerAndSave(
      api,
      buildRegisterRequest(input, hardware, "none"),
      file,
      {},
      "http://api.test",
    );
    const saved = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    expect(saved).toMatchObject({
      apiUrl: "http://api.test",
      nodeId: "node-1",
      nodeToken: "tok-secret",
      heartbeatIntervalSec: 15,
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("a wrong key is one clear ConfigError with exit code 2", async () => {
    const api = new ApiClient({
      baseUrl: "http://api.test",
      bearer: "bad",
      fetchImpl: answering(401, { type: "about:blank", title: "Unauthorized", status: 401 }),
    });
    const error = await registerAndSave(
      api,
      buildRegisterRequest(input, hardware, "none"),
      "/nonexistent/agent.json",
      {},
      "http://api.test",
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect((error as ConfigError).message).toMatch(/rejected the seller key \(401\)/);
  });
});
