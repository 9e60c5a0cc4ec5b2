// A private WasteCompute stack for one test file: Azurite, an in-process Cosmos DB server, the
// Function App under devhost (child process, free port) and seeded buyer/seller/admin accounts.
// One stack per test process: the store modules this process imports are bound to it.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createHttpServer } from "@vercel/cosmosdb-server";
import { startAzurite } from "../../devhost/test/support/azurite.js";
import { stopChild } from "../../devhost/test/support/stop-child.js";
import { provisionCosmos, provisionStorage } from "../../devhost/src/stack/provision.js";

export interface StackAccounts {
  buyer: string;
  seller: string;
  admin: string;
}

export interface TestStack {
  /** Origin of the Function App, e.g. http://127.0.0.1:41234 (routes are under /api). */
  apiUrl: string;
  storageConnectionString: string;
  cosmosEndpoint: string;
  cosmosKey: string;
  /** API keys of the seeded accounts (empty strings when `seed: false`). */
  keys: StackAccounts;
  /** Ids of the seeded accounts. */
  accounts: StackAccounts;
  /** Everything the host printed, for failure messages. */
  hostOutput(): string;
  /** Stops Azurite alone, to test what the app does when storage is down. */
  stopStorage(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestStackOptions {
  /** Seed a buyer, a seller and an admin (default true). */
  seed?: boolean;
  /** Extra environment for the Function App, e.g. { WC_NODE_STALE_SEC: "3" }. */
  env?: Record<string, string>;
}

const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
/** WC_DEVHOST_CLI runs the stack on another devhost build (e.g. to bisect a runtime change). */
const devhostCli = process.env.WC_DEVHOST_CLI ?? resolve(repoRoot, "devhost/dist/cli.js");
// The Cosmos DB emulator's published well-known key; the embedded server accepts it. Not a secret.
const COSMOS_KEY =
  "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";
const DATABASE = "wastecompute";

interface StackFile {
  cosmos: { database: string; containers: { id: string; partitionKey: string }[] };
  storage?: { queues?: string[]; tables?: string[]; blobContainers?: string[] };
}

function stackFile(): StackFile {
  return JSON.parse(readFileSync(resolve(repoRoot, "devhost.stack.json"), "utf8")) as StackFile;
}

async function startCosmos(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const server = createHttpServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

async function startHost(
  env: NodeJS.ProcessEnv,
): Promise<{ url: string; child: ChildProcess; output(): string }> {
  const child = spawn(process.execPath, [devhostCli, "host", "--app", repoRoot, "--port", "0"], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`devhost did not get ready in time:\n${output}`)),
      60_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready: \d+ functions at (\S+)/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        done(match[1]!.replace(/\/$/, ""));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`devhost exited with code ${code}:\n${output}`));
    });
  });
  return { url, child, output: () => output };
}

/** Points this process's store modules at the stack (they read the environment on first use). */
function bindStoreEnvironment(env: Record<string, string>): void {
  Object.assign(process.env, env);
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const azurite = await startAzurite();
  const cosmos = await startCosmos();
  let host: Awaited<ReturnType<typeof startHost>> | undefined;
  const stopAll = async () => {
    if (host !== undefined) await stopChild(host.child);
    await cosmos.stop();
    await azurite.stop();
  };
  try {
    const file = stackFile();
    await provisionCosmos(cosmos.endpoint, COSMOS_KEY, file.cosmos);
    await provisionStorage(azurite.connectionString, {
      queues: file.storage?.queues ?? [],
      tables: file.storage?.tables ?? [],
      blobContainers: file.storage?.blobContainers ?? [],
    });
    const appEnv = {
      AzureWebJobsStorage: azurite.connectionString,
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY,
      COSMOS_DATABASE: file.cosmos.database ?? DATABASE,
    };
    bindStoreEnvironment(appEnv);
    host = await startHost({ ...process.env, ...appEnv, ...(options.env ?? {}) });
    const keys: StackAccounts = { buyer: "", seller: "", admin: "" };
    const accounts: StackAccounts = { buyer: "", seller: "", admin: "" };
    if (options.seed ?? true) {
      const { createAccountWithKey } = await import("../../functions/http/accounts.js");
      for (const role of ["buyer", "seller", "admin"] as const) {
        const made = await createAccountWithKey({
          name: `Test ${role}`,
          email: `${role}@example.test`,
          roles: [role],
          research: false,
        });
        keys[role] = made.apiKey;
        accounts[role] = made.account.id;
      }
    }
    const running = host;
    return {
      apiUrl: running.url,
      storageConnectionString: azurite.connectionString,
      cosmosEndpoint: cosmos.endpoint,
      cosmosKey: COSMOS_KEY,
      keys,
      accounts,
      hostOutput: running.output,
      stopStorage: () => azurite.stop(),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The end of the host's output, without per-invocation noise: for a failing test's message. */
export function hostOutputTail(stack: TestStack, lines = 80): string {
  return stack
    .hostOutput()
    .split("\n")
    .filter((line) => !/ (Executing|Executed) 'Functions\.(health|nodeHeartbeat)/.test(line))
    .slice(-lines)
    .join("\n");
}
