// Keeps the embedded Cosmos store on disk: reads the snapshot at start (a corrupt one is moved
// aside), and writes a fresh snapshot shortly after changes and once more at shutdown.
import { mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { moveAside, writeFileAtomic } from "./atomic-file.js";
import {
  type CosmosSnapshot,
  type CosmosStore,
  parseSnapshot,
  takeSnapshot,
} from "./cosmos-snapshot.js";

export type SnapshotRead =
  | { kind: "missing" }
  | { kind: "ok"; snapshot: CosmosSnapshot }
  | { kind: "corrupt"; reason: string };

function isMissing(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "ENOENT";
}

export async function readSnapshotFile(file: string): Promise<SnapshotRead> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (isMissing(error)) return { kind: "missing" };
    throw error;
  }
  try {
    return { kind: "ok", snapshot: parseSnapshot(text) };
  } catch (error) {
    return { kind: "corrupt", reason: error instanceof Error ? error.message : String(error) };
  }
}

/** Moves an unusable snapshot aside (never deletes it) and returns the one line to tell the user. */
export async function setAsideSnapshot(
  file: string,
  reason: string,
  now: Date = new Date(),
): Promise<string> {
  const movedTo = await moveAside(file, now);
  const oneLineReason = reason.replace(/\s+/g, " ").trim();
  return `Cosmos snapshot ${file} is unreadable (${oneLineReason}); moved it to ${movedTo} and started with an empty database.`;
}

export function documentCount(snapshot: CosmosSnapshot): number {
  return snapshot.databases
    .flatMap((database) => database.collections)
    .reduce((sum, collection) => sum + collection.documents.length, 0);
}

/** Writes snapshots of `store` to `file` at most `intervalMs` after a change, one write at a time. */
export class SnapshotWriter {
  private changed = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: CosmosStore,
    private readonly file: string,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  markChanged(): void {
    this.changed = true;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.flush().catch(this.onError);
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Writes now if anything changed since the last write. */
  flush(): Promise<void> {
    // Chained so two writes never interleave; the snapshot is taken synchronously when its turn comes.
    const next = this.writing.then(() => this.writeIfChanged());
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async writeIfChanged(): Promise<void> {
    if (!this.changed) return;
    this.changed = false;
    const text = JSON.stringify(takeSnapshot(this.store, new Date()));
    try {
      await mkdir(dirname(this.file), { recursive: true });
      await writeFileAtomic(this.file, text);
    } catch (error) {
      this.changed = true;
      throw error;
    }
  }

  /** Stops the timer and writes the final snapshot. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
