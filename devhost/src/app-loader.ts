// Loads a function app the way the worker does: settings, host.json, then the entry file(s) from package.json "main".
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { expandGlob, hasGlobMagic } from "./glob.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function readJsonIfPresent(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Reads host.json ({} when absent). */
export async function readHostJson(appDir: string): Promise<Record<string, unknown>> {
  const json = await readJsonIfPresent(join(appDir, "host.json"));
  return isRecord(json) ? json : {};
}

/** `Values` of local.settings.json as strings ({} when absent). */
export async function readLocalSettings(appDir: string): Promise<Record<string, string>> {
  const json = await readJsonIfPresent(join(appDir, "local.settings.json"));
  if (!isRecord(json) || !isRecord(json.Values)) return {};
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(json.Values)) {
    if (value === null || value === undefined) continue;
    values[key] = typeof value === "string" ? value : String(value);
  }
  return values;
}

/** Copies settings into `env` without overriding variables that are already set. */
export function applySettings(settings: Record<string, string>, env: NodeJS.ProcessEnv): void {
  for (const [key, value] of Object.entries(settings)) {
    if (env[key] === undefined) env[key] = value;
  }
}

/** Absolute entry files named by package.json "main" (a glob is allowed). */
export async function resolveEntryFiles(appDir: string): Promise<string[]> {
  const pkg = await readJsonIfPresent(join(appDir, "package.json"));
  const main = isRecord(pkg) && typeof pkg.main === "string" ? pkg.main : "index.js";
  if (!hasGlobMagic(main)) return [resolve(appDir, main)];
  const files = await expandGlob(appDir, main);
  if (files.length === 0)
    throw new Error(`package.json "main" pattern "${main}" matched no files in ${appDir}.`);
  return files;
}

/** Imports each entry file; `import()` loads both ES modules and CommonJS by the usual Node rules. */
export async function importEntryFiles(files: readonly string[]): Promise<void> {
  for (const file of files) {
    try {
      await import(pathToFileURL(file).href);
    } catch (error) {
      throw new Error(
        `Worker was unable to load entry point "${file}": ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
}

/** Resolves and requires a package as the app would see it (from the app's own node_modules chain). */
export function requireFromApp(appDir: string, specifier: string): unknown {
  return createRequire(join(appDir, "package.json"))(specifier);
}
