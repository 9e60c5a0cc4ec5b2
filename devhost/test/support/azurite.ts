// Starts a private, in-memory Azurite (blob, queue, table) on free ports for one test file.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface RunningAzurite {
  /** Connection string with explicit blob/queue/table endpoints for the devstoreaccount1 account. */
  connectionString: string;
  stop(): Promise<void>;
}

const ACCOUNT = "devstoreaccount1";
// Azurite's well-known development key; public by design, not a secret.
const KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const repoRoot = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const azuriteBin = join(repoRoot, "node_modules", ".bin", "azurite");

/** Holds three ephemeral ports open at once so they are distinct, then releases them for Azurite. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<ReturnType<typeof createServer>>((done, fail) => {
        server.once("error", fail);
        server.listen(0, "127.0.0.1", () => done(server));
      });
    }),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    return address.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((done) => s.close(() => done()))));
  return ports;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

async function waitForPorts(
  ports: number[],
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`azurite exited early with code ${child.exitCode}`);
    const open = await Promise.all(ports.map(canConnect));
    if (open.every(Boolean)) return;
    if (Date.now() > deadline) throw new Error("azurite did not start listening in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      done();
    });
    child.kill("SIGTERM");
  });
}

async function startOnce(): Promise<RunningAzurite> {
  const [blobPort, queuePort, tablePort] = await freePorts(3);
  const location = await mkdtemp(join(tmpdir(), "devhost-azurite-"));
  const child = spawn(
    azuriteBin,
    [
      "--silent",
      "--inMemoryPersistence",
      "--skipApiVersionCheck",
      "--loose",
      "--disableTelemetry",
      "--blobPort",
      String(blobPort),
      "--queuePort",
      String(queuePort),
      "--tablePort",
      String(tablePort),
    ],
    // cwd is a scratch folder because Azurite may still drop files in its working directory.
    { cwd: location, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // If the test process exits without calling stop() (a crash, a worker torn down), take Azurite along.
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);
  const stop = async (): Promise<void> => {
    process.off("exit", killOnExit);
    await stopChild(child);
    await rm(location, { recursive: true, force: true });
  };
  try {
    await waitForPorts([blobPort!, queuePort!, tablePort!], child, 30_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}${stderr ? `: ${stderr.trim()}` : ""}`);
  }
  const connectionString = [
    "DefaultEndpointsProtocol=http",
    `AccountName=${ACCOUNT}`,
    `AccountKey=${KEY}`,
    `BlobEndpoint=http://127.0.0.1:${blobPort}/${ACCOUNT}`,
    `QueueEndpoint=http://127.0.0.1:${queuePort}/${ACCOUNT}`,
    `TableEndpoint=http://127.0.0.1:${tablePort}/${ACCOUNT}`,
  ].join(";");
  return { connectionString, stop };
}

/** Starts Azurite; retries once in case another process grabbed a released port meanwhile. */
export async function startAzurite(): Promise<RunningAzurite> {
  try {
    return await startOnce();
  } catch {
    return startOnce();
  }
}
