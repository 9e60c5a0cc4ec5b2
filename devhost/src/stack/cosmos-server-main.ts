// Child-process entry for the embedded Cosmos DB API server (@vercel/cosmosdb-server over plain
// HTTP on loopback) with snapshot persistence. Run by the stack as its own process so a crash
// stays isolated; stops on SIGTERM/SIGINT, writing a last snapshot.
import type { IncomingMessage } from "node:http";
import { parseArgs } from "node:util";
import { createHttpServer } from "@vercel/cosmosdb-server";
import { advertiseHttpLocations, captureCosmosStores } from "./embedded-cosmos-store.js";
import {
  documentCount,
  readSnapshotFile,
  setAsideSnapshot,
  SnapshotWriter,
} from "./cosmos-persistence.js";
import { type CosmosSnapshot, type CosmosStore, restoreSnapshot } from "./cosmos-snapshot.js";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string", default: "127.0.0.1" },
    snapshot: { type: "string" },
    "interval-ms": { type: "string", default: "2000" },
  },
});

function fail(line: string): never {
  console.error(line);
  process.exit(1);
}

const port = Number(values.port);
const snapshotFile = values.snapshot ?? fail("cosmos server: --snapshot FILE is required");
if (!Number.isInteger(port) || port <= 0) fail("cosmos server: --port N is required");

/** A mutation finished: anything but reads and queries (queries are POSTs with this header). */
function changesData(req: IncomingMessage): boolean {
  if (req.method === "GET" || req.method === "HEAD") return false;
  return String(req.headers["x-ms-documentdb-isquery"]).toLowerCase() !== "true";
}

async function main(): Promise<void> {
  const read = await readSnapshotFile(snapshotFile);
  let snapshot: CosmosSnapshot | undefined;
  if (read.kind === "corrupt") console.error(await setAsideSnapshot(snapshotFile, read.reason));
  if (read.kind === "ok") snapshot = read.snapshot;

  let writer: SnapshotWriter | undefined;
  let restoreError: unknown;
  // The store is created (and must be filled) synchronously while the server starts listening,
  // before any request can be served.
  captureCosmosStores((store: CosmosStore) => {
    advertiseHttpLocations(store);
    writer = new SnapshotWriter(store, snapshotFile, Number(values["interval-ms"]), (error) =>
      console.error(
        `cosmos server: could not write snapshot: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
    if (snapshot === undefined) return;
    try {
      restoreSnapshot(store, snapshot);
    } catch (error) {
      restoreError = error;
    }
  });

  // Keep-alive halves the time per request for SDK clients, which reuse their connections.
  const server = createHttpServer({ keepAlive: true });
  server.on("request", (req: IncomingMessage, res) => {
    if (changesData(req)) res.on("finish", () => writer?.markChanged());
  });
  server.once("error", (error: NodeJS.ErrnoException) => {
    fail(
      error.code === "EADDRINUSE"
        ? `cosmos server: port ${port} is already in use`
        : `cosmos server: cannot listen on ${values.host}:${port}: ${error.message}`,
    );
  });
  await new Promise<void>((done) => server.listen(port, values.host, done));

  if (restoreError !== undefined) {
    console.error(
      await setAsideSnapshot(
        snapshotFile,
        restoreError instanceof Error ? restoreError.message : String(restoreError),
      ),
    );
  } else if (snapshot !== undefined) {
    console.log(`restored ${documentCount(snapshot)} documents from ${snapshotFile}`);
  }
  writer?.start();
  console.log(`listening on http://${values.host}:${port}`);

  let stopping = false;
  const shutdown = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    try {
      await writer?.stop();
      console.log(`stopped; snapshot is up to date in ${snapshotFile}`);
      process.exit(0);
    } catch (error) {
      fail(
        `cosmos server: final snapshot failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  process.on("SIGTERM", () => void shutdown());
  process.on("SIGINT", () => void shutdown());
}

main().catch((error: unknown) =>
  fail(`cosmos server: ${error instanceof Error ? error.message : String(error)}`),
);
