// The WasteCompute stack for the API benchmark, as `npm start` runs it but private and on free
// ports: in-memory Azurite, the embedded Cosmos DB server (own process), devhost serving the built
// Function App (own process) and the demo accounts from the seed script.
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { URL, fileURLToPath } from "node:url";
import { freePorts } from "../../devhost/dist/stack/ports.js";
import { provisionCosmos, provisionStorage } from "../../devhost/dist/stack/provision.js";
import { EMULATOR_COSMOS_KEY } from "../../devhost/dist/stack/stack-plan.js";
import { startAzurite } from "./azurite.js";
import { spawnNode, stopChild, waitForOutput, waitForSuccess } from "./children.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const COSMOS_MAIN = join(ROOT, "devhost/dist/stack/cosmos-server-main.js");
const DEVHOST_CLI = join(ROOT, "devhost/dist/cli.js");
const SEED_SCRIPT = join(ROOT, "dist/functions/scripts/seed-demo.js");
const READY_TIMEOUT_MS = 60_000;
/** Snapshots would only cost CPU mid-measurement; the benchmark keeps Cosmos data in memory. */
const NO_SNAPSHOT_MS = 24 * 3600 * 1000;

function stackFile() {
  return JSON.parse(readFileSync(join(ROOT, "devhost.stack.json"), "utf8"));
}

async function startCosmos(scratch) {
  const [port] = await freePorts(1);
  const started = spawnNode(COSMOS_MAIN, [
    "--port",
    String(port),
    "--snapshot",
    join(scratch, "cosmos.json"),
    "--interval-ms",
    String(NO_SNAPSHOT_MS),
  ]);
  await waitForOutput(started, /listening on/, READY_TIMEOUT_MS, "cosmos server");
  return { endpoint: `http://127.0.0.1:${port}`, pid: started.child.pid, child: started.child };
}

async function startFunctionHost(env) {
  const started = spawnNode(DEVHOST_CLI, ["host", "--app", ROOT, "--port", "0"], {
    env,
    cwd: ROOT,
  });
  const [, url] = await waitForOutput(
    started,
    /ready: \d+ functions at (\S+)/,
    READY_TIMEOUT_MS,
    "devhost",
  );
  return {
    url: url.replace(/\/$/, ""),
    pid: started.child.pid,
    child: started.child,
    output: started.output,
  };
}

/** Demo buyer and seller keys, read from the file the seed script writes (never printed). */
async function seedAccounts(env, scratch) {
  const seed = spawnNode(SEED_SCRIPT, [], { env: { ...env, WC_DATA_DIR: scratch }, cwd: ROOT });
  await waitForSuccess(seed, "seed script");
  const file = JSON.parse(await readFile(join(scratch, "demo-accounts.json"), "utf8"));
  return { buyer: file.buyer.apiKey, seller: file.seller.apiKey };
}

/** Starts everything; `stop()` ends every process it started and removes its scratch folder. */
export async function startApiStack() {
  const scratch = await mkdtemp(join(tmpdir(), "bench-api-"));
  const parts = [];
  const stop = async () => {
    for (const part of parts.reverse()) await part();
    await rm(scratch, { recursive: true, force: true });
  };
  try {
    const azurite = await startAzurite();
    parts.push(azurite.stop);
    const cosmos = await startCosmos(scratch);
    parts.push(() => stopChild(cosmos.child));
    const file = stackFile();
    await provisionCosmos(cosmos.endpoint, EMULATOR_COSMOS_KEY, file.cosmos);
    await provisionStorage(azurite.connectionString, {
      queues: file.storage?.queues ?? [],
      tables: file.storage?.tables ?? [],
      blobContainers: file.storage?.blobContainers ?? [],
    });
    const env = {
      ...process.env,
      AzureWebJobsStorage: azurite.connectionString,
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: EMULATOR_COSMOS_KEY,
      COSMOS_DATABASE: file.cosmos.database,
    };
    const host = await startFunctionHost(env);
    parts.push(() => stopChild(host.child));
    const keys = await seedAccounts({ ...env, API_URL: `${host.url}/api` }, scratch);
    return {
      apiUrl: host.url,
      keys,
      /** The host's recent log (bounded), for explaining a failure. */
      hostOutput: host.output,
      pids: { host: host.pid, cosmos: cosmos.pid, azurite: azurite.pid },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
