// The launcher end to end: real Azurite, the embedded Cosmos DB server and the devhost function
// host running a fixture app, all on free ports with data in a temp folder.
import { CosmosClient } from "@azure/cosmos";
import { spawn } from "node:child_process";
import { QueueServiceClient } from "@azure/storage-queue";
import { BlobServiceClient } from "@azure/storage-blob";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { freePorts, portAnswers } from "../../src/stack/ports.js";
import { startAzurite } from "../support/azurite.js";
import {
  cleanEnv,
  cliScript,
  cosmosServerScript,
  fixtureAppDir,
  type LaunchedStack,
  launchStack,
  removeTempDirs,
  tempDir,
  writeTempConfig,
} from "./support/launcher.js";

const running: LaunchedStack[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((stack) => stack.stop()));
});
afterAll(removeTempDirs);

function fixtureConfig(services: unknown[] = []): unknown {
  return {
    portEnvPrefix: "FIXTURE_",
    cosmos: { database: "fixture", containers: [{ id: "notes", partitionKey: "/id" }] },
    storage: { queues: ["work-items"], tables: ["Audit"], blobContainers: ["logs"] },
    host: { appDir: fixtureAppDir, readyPath: "/api/health" },
    services,
  };
}

function start(configPath: string, dataDir: string): LaunchedStack {
  const stack = launchStack([
    "--config",
    configPath,
    "--data-dir",
    dataDir,
    "--free-ports",
    "--no-web",
    "--no-agent",
  ]);
  running.push(stack);
  return stack;
}

async function hostUrl(stack: LaunchedStack): Promise<string> {
  await stack.waitFor(/The stack is up/);
  return (await stack.waitFor(/function host\s+(http:\/\/\S+)/))[1]!;
}

// Each test starts real processes, sometimes twice; a loaded machine needs more than the default.
describe("devhost stack", { timeout: 180_000 }, () => {
  it("comes up on free ports, provisions, runs services, serves the app, and keeps Cosmos data across restarts", async () => {
    const dataDir = await tempDir("data");
    const configPath = await writeTempConfig(
      fixtureConfig([
        {
          name: "setup",
          once: true,
          command: [
            "node",
            "-e",
            "const fs = require('fs'); fs.writeFileSync(process.argv[1], process.env.API_URL); fs.writeFileSync(process.argv[2], JSON.stringify({ seller: { apiKey: 'k-123' } }))",
            "${DATA_DIR}/setup-ran",
            "${DATA_DIR}/keys.json",
          ],
        },
        {
          name: "use-key",
          once: true,
          values: { KEY: { jsonFile: "${DATA_DIR}/keys.json", pointer: "/seller/apiKey" } },
          skipIfExists: "${DATA_DIR}/used-key",
          command: [
            "node",
            "-e",
            "require('fs').writeFileSync(process.argv[1], process.argv[2])",
            "${DATA_DIR}/used-key",
            "${KEY}",
          ],
        },
        {
          name: "needs-output",
          values: { X: { jsonFile: "${DATA_DIR}/never-written.json", pointer: "/x" } },
          command: ["node", "-e", "setInterval(() => {}, 1000)"],
        },
        { name: "later", command: ["node", "not-built-yet.js"], requires: ["not-built-yet.js"] },
        {
          name: "flaky",
          command: [
            "node",
            "-e",
            "console.log('flaky up'); setTimeout(() => process.exit(3), 300)",
          ],
          readyPattern: "flaky up",
        },
      ]),
    );
    const first = start(configPath, dataDir);
    const url = await hostUrl(first);
    const output = first.output();
    for (const part of ["azurite", "cosmos", "provisioning", "host", "setup", "use-key", "flaky"])
      expect(output).toMatch(new RegExp(`✓ ${part} ready`));
    expect(output).toContain(
      "skipping later: not-built-yet.js does not exist yet (build it first)",
    );
    expect(output).toMatch(/^host\s+\| /m);
    expect(await readFile(join(dataDir, "setup-ran"), "utf8")).toBe(url);
    expect(await readFile(join(dataDir, "used-key"), "utf8")).toBe("k-123");
    expect(output).toContain(
      `skipping needs-output: ${join(dataDir, "never-written.json")} does not exist yet`,
    );

    expect((await fetch(`${url}/api/health`)).status).toBe(200);
    const put = await fetch(`${url}/api/notes/n1`, {
      method: "PUT",
      body: JSON.stringify({ text: "kept across restarts" }),
    });
    expect(put.status).toBe(204);
    expect(await (await fetch(`${url}/api/notes/n1`)).json()).toEqual({
      id: "n1",
      text: "kept across restarts",
    });

    const [, blob, queue] = (
      await first.waitFor(/Azurite blob (\d+), queue (\d+), table (\d+)/)
    ).map(Number);
    const connection = (service: string, port: number): string =>
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;${service}Endpoint=http://127.0.0.1:${port}/devstoreaccount1`;
    expect(
      await BlobServiceClient.fromConnectionString(connection("Blob", blob!))
        .getContainerClient("logs")
        .exists(),
    ).toBe(true);
    expect(
      await QueueServiceClient.fromConnectionString(connection("Queue", queue!))
        .getQueueClient("work-items")
        .exists(),
    ).toBe(true);

    await first.waitFor(
      /flaky exited unexpectedly \(exit code 3\); restarting in 1 s \(attempt 1 of 3\)/,
    );
    expect(await first.stop()).toBe(0);
    expect(first.output()).toMatch(/cosmos\s+\| stopped; snapshot is up to date/);
    expect(await readdir(join(dataDir, "azurite"))).not.toHaveLength(0);

    const second = start(configPath, dataDir);
    const secondUrl = await hostUrl(second);
    expect(second.output()).toMatch(/restored 1 documents/);
    expect(second.output()).toContain("skipping use-key: ${DATA_DIR}/used-key exists already");
    expect(await (await fetch(`${secondUrl}/api/notes/n1`)).json()).toEqual({
      id: "n1",
      text: "kept across restarts",
    });
    expect(await second.stop()).toBe(0);
  });

  it("moves a corrupt Cosmos snapshot aside and still starts", async () => {
    const dataDir = await tempDir("data");
    await mkdir(join(dataDir, "cosmos"));
    await writeFile(join(dataDir, "cosmos", "snapshot.json"), "{ this is not a snapshot");
    const stack = start(await writeTempConfig(fixtureConfig()), dataDir);
    const url = await hostUrl(stack);
    expect(stack.output()).toMatch(
      /Cosmos snapshot .* is unreadable \(.*\); moved it to .*snapshot\.corrupt-.*\.json and started with an empty database\./,
    );
    const files = await readdir(join(dataDir, "cosmos"));
    const asideName = files.find((name) => name.startsWith("snapshot.corrupt-"));
    expect(asideName).toBeDefined();
    expect(await readFile(join(dataDir, "cosmos", asideName!), "utf8")).toBe(
      "{ this is not a snapshot",
    );
    expect((await fetch(`${url}/api/notes/n1`)).status).toBe(404);
    expect(await stack.stop()).toBe(0);
  });

  it("refuses a port in use with one line naming the port, the part and the variable", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((done) => blocker.listen(0, "127.0.0.1", done));
    const address = blocker.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    try {
      const dataDir = await tempDir("data");
      const stack = launchStack(
        ["--config", await writeTempConfig(fixtureConfig()), "--data-dir", dataDir, "--free-ports"],
        cleanEnv({ FIXTURE_HOST_PORT: String(address.port) }),
      );
      running.push(stack);
      expect(await stack.exited).toBe(1);
      const lines = stack.output().trim().split("\n");
      expect(lines).toEqual([
        `✗ Port ${address.port} (function host) is already in use: stop what is using it, set FIXTURE_HOST_PORT to another port, or run with --free-ports.`,
      ]);
    } finally {
      blocker.close();
    }
  });

  it("with --no-host runs the backing services for a host of your own on the host port", async () => {
    const ownHost: Server = createServer();
    await new Promise<void>((done) => ownHost.listen(0, "127.0.0.1", done));
    const address = ownHost.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    try {
      const dataDir = await tempDir("data");
      const stack = launchStack(
        [
          "--config",
          await writeTempConfig(fixtureConfig()),
          "--data-dir",
          dataDir,
          "--free-ports",
          "--no-host",
        ],
        cleanEnv({ FIXTURE_HOST_PORT: String(address.port) }),
      );
      running.push(stack);
      await stack.waitFor(/The stack is up/);
      expect(stack.output()).toContain(
        `function host  http://127.0.0.1:${address.port} (not started here)`,
      );
      expect(stack.output()).not.toMatch(/starting host/);
      expect(await stack.stop()).toBe(0);
    } finally {
      ownHost.close();
    }
  });

  it("uses the Cosmos DB and storage named in the environment instead of starting its own", async () => {
    const storage = await startAzurite();
    const [cosmosPort] = await freePorts(1);
    const ownDataDir = await tempDir("own-cosmos");
    const ownCosmos = spawn(
      process.execPath,
      [
        cosmosServerScript,
        "--port",
        String(cosmosPort),
        "--snapshot",
        join(ownDataDir, "snapshot.json"),
      ],
      { stdio: "ignore" },
    );
    try {
      await expect.poll(() => portAnswers(cosmosPort!), { timeout: 30_000 }).toBe(true);
      const dataDir = await tempDir("data");
      const stack = launchStack(
        ["--config", await writeTempConfig(fixtureConfig()), "--data-dir", dataDir, "--free-ports"],
        cleanEnv({
          COSMOS_ENDPOINT: `http://127.0.0.1:${cosmosPort}`,
          COSMOS_KEY: "any-key-works-locally",
          AzureWebJobsStorage: storage.connectionString,
        }),
      );
      running.push(stack);
      const url = await hostUrl(stack);
      const output = stack.output();
      expect(output).toContain(
        "using the storage account in AzureWebJobsStorage (Azurite not started)",
      );
      expect(output).toContain(
        `using the Cosmos DB at http://127.0.0.1:${cosmosPort} from COSMOS_ENDPOINT (embedded server not started)`,
      );
      expect(output).not.toMatch(/starting (azurite|cosmos)/);
      const put = await fetch(`${url}/api/notes/n2`, {
        method: "PUT",
        body: JSON.stringify({ text: "theirs" }),
      });
      expect(put.status).toBe(204);
      const direct = new CosmosClient({ endpoint: `http://127.0.0.1:${cosmosPort}`, key: "k" });
      const { resource } = await direct
        .database("fixture")
        .container("notes")
        .item("n2", "n2")
        .read();
      expect(resource).toMatchObject({ id: "n2", text: "theirs" });
      const logs = BlobServiceClient.fromConnectionString(
        storage.connectionString,
      ).getContainerClient("logs");
      expect(await logs.exists()).toBe(true);
      expect(await stack.stop()).toBe(0);
    } finally {
      ownCosmos.kill("SIGTERM");
      await storage.stop();
    }
  });

  it("stops with Azurite's last lines and what to do when Azurite cannot start, keeping its data", async () => {
    const dataDir = await tempDir("data");
    const damaged = join(dataDir, "azurite", "__azurite_db_queue__.json");
    await mkdir(join(dataDir, "azurite"));
    await writeFile(damaged, "damaged{");
    const stack = start(await writeTempConfig(fixtureConfig()), dataDir);
    expect(await stack.exited).toBe(1);
    const output = stack.output();
    expect(output).toMatch(/- last output of azurite:\n(- {3}.*\n)+/);
    expect(output).toMatch(
      /✗ azurite could not start \(exit code 1\): read Azurite's last lines above; .*rename .*azurite .*AzureWebJobsStorage/,
    );
    expect(output).not.toMatch(/starting host/);
    expect(await readFile(damaged, "utf8")).toBe("damaged{");
  });

  it("refuses an older Node than package.json engines asks for, before doing anything else", async () => {
    const projectDir = await tempDir("engines");
    await writeFile(
      join(projectDir, "package.json"),
      JSON.stringify({ engines: { node: ">=99.1" } }),
    );
    const child = spawn(process.execPath, [cliScript, "stack", "--config", "missing.json"], {
      cwd: projectDir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((done) => child.once("exit", done));
    expect(code).toBe(1);
    expect(output.trim()).toBe(
      `Node ${process.version.slice(1)} is older than this project needs (>=99.1): install Node 99.1.0 or newer (e.g. \`nvm install 99\`) and run again.`,
    );
  });

  it("rejects an invalid config with one line naming the field", async () => {
    const configPath = await writeTempConfig({
      cosmos: { database: "x", containers: [{ id: "a" }] },
    });
    const stack = launchStack(["--config", configPath]);
    running.push(stack);
    expect(await stack.exited).toBe(1);
    expect(stack.output().trim()).toMatch(
      /^✗ .*devhost\.stack\.json is invalid at cosmos\.containers\[0\]\.partitionKey: .*; fix it and run again\.$/,
    );
  });
});
