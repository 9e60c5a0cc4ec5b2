// Per-job work directories: created private to the job's user, with an output dir whose plain
// files become artifacts, and removed after the job.
import { constants } from "node:fs";
import { chown, lstat, mkdir, open, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { ArtifactNameSchema } from "@wastecompute/contracts";
import { OUTPUT_SUBDIR, type RunAs } from "./sandbox.js";

export const MAX_ARTIFACTS = 100;

/** Creates `<root>/<name>` and its output dir, owned by the job's user, and returns its path. */
export async function prepareWorkDir(
  root: string,
  name: string,
  runAs: RunAs | undefined,
): Promise<string> {
  await mkdir(root, { recursive: true, mode: 0o711 });
  const dir = join(root, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, OUTPUT_SUBDIR), { recursive: true, mode: 0o700 });
  if (runAs) {
    await chown(dir, runAs.uid, runAs.gid);
    await chown(join(dir, OUTPUT_SUBDIR), runAs.uid, runAs.gid);
  }
  return dir;
}

/** An output file ready to upload, or the reason it was skipped. */
export type ArtifactCandidate =
  { name: string; sizeBytes: number; path: string } | { name: string; skipped: string };

/**
 * Lists the output dir's artifacts. Only plain files with a valid name, one link and no symlink
 * qualify: the job controls this dir and must not trick the agent into reading other files.
 */
export async function listArtifacts(
  workDir: string,
  maxBytes: number,
): Promise<ArtifactCandidate[]> {
  const outputDir = join(workDir, OUTPUT_SUBDIR);
  let names: string[];
  try {
    names = (await readdir(outputDir)).sort();
  } catch {
    return [];
  }
  const candidates: ArtifactCandidate[] = [];
  for (const name of names) {
    if (candidates.length >= MAX_ARTIFACTS) {
      candidates.push({ name, skipped: `more than ${MAX_ARTIFACTS} artifacts` });
      continue;
    }
    if (!ArtifactNameSchema.safeParse(name).success) {
      candidates.push({ name, skipped: "not a plain file name" });
      continue;
    }
    const path = join(outputDir, name);
    const stat = await lstat(path);
    if (!stat.isFile() || stat.nlink !== 1)
      candidates.push({ name, skipped: "not a regular file" });
    else if (stat.size > maxBytes)
      candidates.push({ name, skipped: `larger than ${maxBytes} bytes` });
    else candidates.push({ name, sizeBytes: stat.size, path });
  }
  return candidates;
}

/** Reads an artifact without following a symlink swapped in after listing. */
export async function readArtifact(path: string, maxBytes: number): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > maxBytes)
      throw new Error(`artifact ${path} changed after listing`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

export async function removeWorkDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
