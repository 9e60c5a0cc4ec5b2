// Checks the running Node.js against a package.json `engines.node` range. Runs before anything
// else in the CLI, so it must only use syntax and APIs every supported-or-not Node understands.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

type Version = [number, number, number];

function parseVersion(text: string): Version | undefined {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text.trim());
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i += 1) {
    const diff = a[i]! - b[i]!;
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * The minimum version a `>=X.Y.Z` range (optionally with more space-separated terms, of which
 * only `>=` ones are used) asks for; undefined when the range has no such term.
 */
export function minimumVersion(range: string): Version | undefined {
  const minimums = range
    .split(/\s+/)
    .filter((term) => term.startsWith(">="))
    .map((term) => parseVersion(term.slice(2)))
    .filter((v): v is Version => v !== undefined);
  return minimums.sort(compare).at(-1);
}

/** One line saying what to do when `version` is older than `range` allows; undefined when fine. */
export function nodeVersionProblem(range: string, version: string): string | undefined {
  const minimum = minimumVersion(range);
  const actual = parseVersion(version);
  if (minimum === undefined || actual === undefined || compare(actual, minimum) >= 0)
    return undefined;
  return `Node ${version.replace(/^v/, "")} is older than this project needs (${range}): install Node ${minimum.join(".")} or newer (e.g. \`nvm install ${minimum[0]}\`) and run again.`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function enginesNode(packageJson: unknown): string | undefined {
  if (!isRecord(packageJson) || !isRecord(packageJson.engines)) return undefined;
  const range = packageJson.engines.node;
  return typeof range === "string" ? range : undefined;
}

/** `engines.node` of the nearest package.json at or above `startDir` that declares one. */
export function findEnginesRange(startDir: string): string | undefined {
  for (let dir = startDir; ; dir = dirname(dir)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      const range = enginesNode(parsed);
      if (range !== undefined) return range;
    } catch {
      // no (readable) package.json here; keep walking up
    }
    if (dirname(dir) === dir) return undefined;
  }
}
