import { CosmosClient } from "@azure/cosmos";
import { createHttpServer } from "@vercel/cosmosdb-server";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { moveAside } from "../../src/stack/atomic-file.js";
import {
  readSnapshotFile,
  setAsideSnapshot,
  SnapshotWriter,
} from "../../src/stack/cosmos-persistence.js";
import {
  type CosmosStore,
  restoreSnapshot,
  takeSnapshot,
} from "../../src/stack/cosmos-snapshot.js";
import { captureCosmosStores } from "../../src/stack/embedded-cosmos-store.js";

const KEY =
  "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";
let lastStore: CosmosStore | undefined;
const servers: Server[] = [];

beforeAll(() => captureCosmosStores((store) => (lastStore = store)));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

/** A real embedded server on a free port, its store, and a client for it. */
async function startServer(
  prepare?: (store: CosmosStore) => void,
): Promise<{ store: CosmosStore; client: CosmosClient }> {
  const server = createHttpServer();
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const store = lastStore!;
  prepare?.(store);
  const { port } = server.address() as AddressInfo;
  const client = new CosmosClient({
    endpoint: `http://127.0.0.1:${port}`,
    key: KEY,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  return { store, client };
}

const tempDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "devhost-snapshot-"));
  tempDirs.push(dir);
  return join(dir, "snapshot.json");
}

describe("Cosmos snapshots", () => {
  it("restores databases, containers and documents with their etags, and new documents get fresh ids", async () => {
    const first = await startServer();
    const { database } = await first.client.databases.createIfNotExists({ id: "shop" });
    const { container } = await database.containers.createIfNotExists({
      id: "jobs",
      partitionKey: { paths: ["/buyerId"] },
    });
    const { resource: created } = await container.items.create({
      id: "job-1",
      buyerId: "b1",
      status: "queued",
    });
    const file = await tempFile();
    const writer = new SnapshotWriter(first.store, file, 60_000, (error) => {
      throw error;
    });
    writer.markChanged();
    await writer.stop();

    const read = await readSnapshotFile(file);
    expect(read.kind).toBe("ok");
    const second = await startServer((store) => {
      if (read.kind === "ok") restoreSnapshot(store, read.snapshot);
    });
    const jobs = second.client.database("shop").container("jobs");
    const { resource: restored } = await jobs.item("job-1", "b1").read();
    expect(restored).toMatchObject({
      id: "job-1",
      buyerId: "b1",
      status: "queued",
      _etag: created!._etag,
      _rid: created!._rid,
    });
    const { resource: next } = await jobs.items.create({ id: "job-2", buyerId: "b1" });
    expect(next!._rid).not.toBe(created!._rid);
    const { resources } = await jobs.items.query("SELECT c.id FROM c ORDER BY c.id").fetchAll();
    expect(resources).toEqual([{ id: "job-1" }, { id: "job-2" }]);
    // The partition key of the restored container still applies.
    await expect(jobs.item("job-1", "other-buyer").read()).resolves.toMatchObject({
      statusCode: 404,
    });
  });

  it("writes only after a change, atomically, leaving no temp file", async () => {
    const { store, client } = await startServer();
    const file = await tempFile();
    const writer = new SnapshotWriter(store, file, 60_000, (error) => {
      throw error;
    });
    await writer.flush();
    expect((await readSnapshotFile(file)).kind).toBe("missing");
    await client.databases.createIfNotExists({ id: "a" });
    writer.markChanged();
    await Promise.all([writer.flush(), writer.flush()]);
    const read = await readSnapshotFile(file);
    expect(read.kind === "ok" && read.snapshot.databases.map((d) => d.resource.id)).toEqual(["a"]);
    const folder = file.slice(0, file.lastIndexOf("/"));
    expect(await readdir(folder)).toEqual(["snapshot.json"]);
  });

  it("writes on its timer shortly after a change", async () => {
    const { store, client } = await startServer();
    const file = await tempFile();
    const writer = new SnapshotWriter(store, file, 50, (error) => {
      throw error;
    });
    writer.start();
    await client.databases.createIfNotExists({ id: "timed" });
    writer.markChanged();
    await expect
      .poll(async () => (await readSnapshotFile(file)).kind, { timeout: 2_000 })
      .toBe("ok");
    await writer.stop();
  });

  it("calls a snapshot corrupt when it is not JSON or not a snapshot", async () => {
    const file = await tempFile();
    await writeFile(file, "{ half");
    expect(await readSnapshotFile(file)).toMatchObject({ kind: "corrupt" });
    await writeFile(file, JSON.stringify({ format: "something-else" }));
    expect(await readSnapshotFile(file)).toMatchObject({
      kind: "corrupt",
      reason: expect.stringContaining("format"),
    });
  });

  it("moves a corrupt snapshot aside with a timestamp, never overwriting an earlier one", async () => {
    const file = await tempFile();
    const now = new Date("2026-01-02T03:04:05.678Z");
    await writeFile(file, "first");
    const line = await setAsideSnapshot(file, "broken\nacross lines", now);
    expect(line).toMatch(
      /^Cosmos snapshot .*snapshot\.json is unreadable \(broken across lines\); moved it to .*snapshot\.corrupt-2026-01-02T03-04-05-678Z\.json and started with an empty database\.$/,
    );
    await writeFile(file, "second");
    const secondTarget = await moveAside(file, now);
    expect(secondTarget).toMatch(/snapshot\.corrupt-2026-01-02T03-04-05-678Z-1\.json$/);
    const folder = file.slice(0, file.lastIndexOf("/"));
    expect((await readdir(folder)).sort()).toEqual([
      "snapshot.corrupt-2026-01-02T03-04-05-678Z-1.json",
      "snapshot.corrupt-2026-01-02T03-04-05-678Z.json",
    ]);
    expect(await readFile(`${folder}/snapshot.corrupt-2026-01-02T03-04-05-678Z.json`, "utf8")).toBe(
      "first",
    );
  });

  it("leaves the store empty when a snapshot cannot be restored", async () => {
    const { store, client } = await startServer();
    await client.databases.createIfNotExists({ id: "keep" });
    const snapshot = takeSnapshot(store, new Date());
    const { store: target } = await startServer();
    const broken = {
      ...snapshot,
      databases: [
        ...snapshot.databases,
        {
          ...snapshot.databases[0]!,
          collections: [
            { resource: { id: "x", _rid: "" }, documentRidCount: 0, documents: [{ id: "d" }] },
          ],
        },
      ],
    };
    expect(() => restoreSnapshot(target, broken as typeof snapshot)).toThrow();
    expect(target.databases._data.size).toBe(0);
  });
});
