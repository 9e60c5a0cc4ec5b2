// Starts a private, in-memory Azurite (blob, queue, table) on free ports for one test file.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePorts, portAnswers } from "../../src/stack/ports.js";
import { stopChild } from "./stop-child.js";

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

async function waitForPorts(
  ports: number[],
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`azurite exited early with code ${child.exitCode}`);
    const open = await Promise.all(ports.map((port) => portAnswers(port)));
    if (open.every(Boolean)) return;
    if (Date.now() > deadline) throw new Error("azurite did not start listening in time");
    await new Promise((r) => setTimeout(r, 100));
  }
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
