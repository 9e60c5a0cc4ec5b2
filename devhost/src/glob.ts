// Expands the small glob syntax package.json "main" allows for function apps (*, **, ?, {a,b}).
import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

const IGNORED_DIRS = new Set(["node_modules", ".git"]);

function escapeRegExp(text: string): string {
  return text.replace(/[.+^$()|[\]\\]/g, "\\$&");
}

/** Converts a glob (forward slashes) to an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob.charAt(i);
    if (ch === "*") {
      if (glob[i + 1] === "*") {
        const slashAfter = glob[i + 2] === "/";
        out += slashAfter ? "(?:.*/)?" : ".*";
        i += slashAfter ? 2 : 1;
      } else {
        out += "[^/]*";
      }
    } else if (ch === "?") {
      out += "[^/]";
    } else if (ch === "{") {
      const end = glob.indexOf("}", i);
      if (end < 0) {
        out += "\\{";
        continue;
      }
      out += `(?:${glob
        .slice(i + 1, end)
        .split(",")
        .map(escapeRegExp)
        .join("|")})`;
      i = end;
    } else {
      out += escapeRegExp(ch);
    }
  }
  return new RegExp(`^${out}$`);
}

export function hasGlobMagic(pattern: string): boolean {
  return /[*?{]/.test(pattern);
}

async function walk(dir: string, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!IGNORED_DIRS.has(entry.name)) await walk(path, out);
    } else if (entry.isFile()) {
      out.push(path);
    }
  }
}

/** Files under `root` matching `pattern` (relative to root), sorted for a stable load order. */
export async function expandGlob(root: string, pattern: string): Promise<string[]> {
  const normalized = pattern.replace(/^\.\//, "");
  const regex = globToRegExp(normalized);
  // Walk only below the literal leading directories of the pattern.
  const literalDirs: string[] = [];
  for (const part of normalized.split("/").slice(0, -1)) {
    if (hasGlobMagic(part)) break;
    literalDirs.push(part);
  }
  const base = join(root, ...literalDirs);
  const files: string[] = [];
  try {
    await walk(base, files);
  } catch {
    return [];
  }
  return files.filter((file) => regex.test(relative(root, file).split(sep).join("/"))).sort();
}
