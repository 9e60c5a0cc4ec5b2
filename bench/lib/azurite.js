// A private, in-memory Azurite on free loopback ports for one benchmark run.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { azuriteScript } from "../../devhost/dist/stack/azurite.js";
import { freePorts, portAnswers } from "../../devhost/dist/stack/ports.js";
import { azuriteConnectionString } from "../../devhost/dist/stack/stack-plan.js";
import { spawnNode, stopChild } from "./children.js";

const READY_TIMEOUT_MS = 30_000;
const HOST = "127.0.0.1";

export async function startAzurite() {
  const [blob, queue, table] = await freePorts(3, HOST);
  // Azurite may still drop files in its working directory, even in memory.
  const scratch = await mkdtemp(join(tmpdir(), "bench-azurite-"));
  const started = spawnNode(
    azuriteScript(),
    [
      "--silent",
      "--inMemoryPersistence",
      "--skipApiVersionCheck",
      "--loose",
      "--disableTelemetry",
      ...["--blobHost", HOST, "--queueHost", HOST, "--tableHost", HOST],
      ...["--blobPort", String(blob), "--queuePort", String(queue), "--tablePort", String(table)],
    ],
    { cwd: scratch },
  );
  const stop = async () => {
    await stopChild(started.child);
    await rm(scratch, { recursive: true, force: true });
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (started.child.exitCode !== null) {
      await stop();
      throw new Error(`azurite exited early:\n${started.output()}`);
    }
    const open = await Promise.all([blob, queue, table].map((port) => portAnswers(port, HOST)));
    if (open.every(Boolean)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error("azurite did not listen in time");
    }
    await sleep(100);
  }
  const connectionString = azuriteConnectionString(HOST, {
    AZURITE_BLOB_PORT: blob,
    AZURITE_QUEUE_PORT: queue,
    AZURITE_TABLE_PORT: table,
  });
  return { connectionString, pid: started.child.pid, stop };
}
