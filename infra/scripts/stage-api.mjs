#!/usr/bin/env node
// Stages the Function App as a self-contained folder (dist/azure-api) for `azd deploy`:
// compiled functions, host.json, production dependencies, and the workspace package
// @wastecompute/contracts copied in (not linked) so the app resolves it on Azure.
//
// Why a staged folder: the repository root is an npm workspaces root whose node_modules holds dev
// tools and symlinks to workspace folders. Zipping it would ship hundreds of MB and dangling links;
// a remote build would run `tsc -b` over workspaces that are not in the package.
//
// Usage: node infra/scripts/stage-api.mjs [--out DIR] [--skip-build]
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CONTRACTS = "@wastecompute/contracts";
const VENDORED_CONTRACTS = "vendor/contracts";

function parseArgs(argv) {
  const outIndex = argv.indexOf("--out");
  return {
    out: resolve(repoRoot, outIndex >= 0 ? argv[outIndex + 1] : "dist/azure-api"),
    skipBuild: argv.includes("--skip-build"),
  };
}

function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Build outputs only: no TypeScript build state or declaration files in the package. */
function isShippedFile(source) {
  return (
    !source.endsWith(".tsbuildinfo") && !source.endsWith(".d.ts") && !source.endsWith(".d.ts.map")
  );
}

function run(command, args, cwd) {
  execFileSync(command, args, { cwd, stdio: "inherit", shell: process.platform === "win32" });
}

/** Lists every symbolic link under `dir`; a zip deployment cannot carry them. */
function findSymlinks(dir) {
  const links = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) links.push(path);
    else if (entry.isDirectory()) links.push(...findSymlinks(path));
  }
  return links;
}

function stage({ out, skipBuild }) {
  if (!skipBuild) run("npx", ["tsc", "-b", "functions"], repoRoot);
  const compiled = join(repoRoot, "dist", "functions");
  const rootPackage = readJson(join(repoRoot, "package.json"));
  if (!existsSync(join(repoRoot, rootPackage.main))) {
    throw new Error(`${rootPackage.main} does not exist: build the Function App first`);
  }

  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  cpSync(join(repoRoot, "host.json"), join(out, "host.json"));
  cpSync(compiled, join(out, "dist", "functions"), { recursive: true, filter: isShippedFile });

  const contractsDir = join(repoRoot, "contracts");
  const contractsPackage = readJson(join(contractsDir, "package.json"));
  cpSync(join(contractsDir, "package.json"), join(out, VENDORED_CONTRACTS, "package.json"));
  for (const entry of contractsPackage.files ?? []) {
    cpSync(join(contractsDir, entry), join(out, VENDORED_CONTRACTS, entry), {
      recursive: true,
      filter: isShippedFile,
    });
  }

  const dependencies = { ...rootPackage.dependencies, [CONTRACTS]: `file:${VENDORED_CONTRACTS}` };
  const deployedPackage = {
    name: rootPackage.name,
    version: rootPackage.version,
    private: true,
    type: rootPackage.type,
    main: rootPackage.main,
    engines: rootPackage.engines,
    dependencies,
  };
  writeFileSync(join(out, "package.json"), `${JSON.stringify(deployedPackage, null, 2)}\n`);
  // azd applies a folder's .funcignore, or excludes node_modules when there is none: ship them.
  writeFileSync(join(out, ".funcignore"), "local.settings.json\n*.map\n");
  // Reuse the versions the repository is tested with.
  cpSync(join(repoRoot, "package-lock.json"), join(out, "package-lock.json"));

  run(
    "npm",
    [
      "install",
      "--omit=dev",
      "--install-links",
      "--no-bin-links",
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      "--workspaces=false",
    ],
    out,
  );

  const links = findSymlinks(out);
  if (links.length > 0) {
    throw new Error(
      `staged package contains symlinks: ${links.map((l) => relative(out, l)).join(", ")}`,
    );
  }
  console.log(`staged ${relative(repoRoot, out)}`);
}

stage(parseArgs(process.argv.slice(2)));
