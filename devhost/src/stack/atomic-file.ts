// File operations that never leave a half-written file and never destroy an existing one.
import { link, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";

/** Writes `path` via a temp file in the same folder: write, fsync, rename, fsync the folder. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const file = await open(temp, "w");
  try {
    await file.writeFile(content, "utf8");
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
  const folder = await open(dirname(path), "r");
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, "-");
}

/**
 * Renames `path` to `<name>.corrupt-<timestamp>[-n]<ext>` next to it and returns the new path.
 * Uses link + unlink so an existing file of that name is never overwritten.
 */
export async function moveAside(path: string, now: Date): Promise<string> {
  const ext = extname(path);
  const stem = path.slice(0, path.length - ext.length);
  for (let n = 0; ; n += 1) {
    const target = `${stem}.corrupt-${stamp(now)}${n === 0 ? "" : `-${n}`}${ext}`;
    try {
      await link(path, target);
    } catch (error) {
      if (error instanceof Error && "code" in error && error.code === "EEXIST") continue;
      throw error;
    }
    await unlink(path);
    return target;
  }
}
