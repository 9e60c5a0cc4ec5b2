#!/usr/bin/env node
// Makes `npm pack` able to bundle workspace packages (e.g. the agent's @wastecompute/contracts,
// which is not on any registry). npm links workspaces into the root node_modules, and a linked
// entry of `bundleDependencies` is packed without its files; a real copy inside the package's own
// node_modules is packed — together with that copy's dependencies, which npm then expects inside
// the tarball too, so those are copied as well. Run from the package folder:
//   prepack:  node ../infra/scripts/bundle-workspace-deps.mjs
//   postpack: node ../infra/scripts/bundle-workspace-deps.mjs --clean
// The copies exist only while npm packs; development keeps using the live workspace links.
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const packageDir = process.cwd();
const modulesDir = join(packageDir, "node_modules");
// Names this script copied, so --clean never touches what npm installed.
const record = join(modulesDir, ".bundled-workspace-deps.json");

const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));

function isWorkspaceFolder(path) {
  const inRepo = relative(repoRoot, path);
  return !inRepo.startsWith("..") && !inRepo.split(sep).includes("node_modules");
}

/** A workspace package: its package.json and its published `files` only. */
function copyWorkspacePackage(source, target) {
  const manifest = readJson(join(source, "package.json"));
  cpSync(join(source, "package.json"), join(target, "package.json"));
  for (const entry of manifest.files ?? []) {
    if (!existsSync(join(source, entry)))
      throw new Error(`${manifest.name}: ${entry} is missing; build it first`);
    cpSync(join(source, entry), join(target, entry), { recursive: true });
  }
}

function bundle() {
  const bundled = readJson(join(packageDir, "package.json")).bundleDependencies ?? [];
  const copied = [];
  const pending = [...bundled];
  while (pending.length > 0) {
    const name = pending.shift();
    const target = join(modulesDir, name);
    if (copied.includes(name) || existsSync(target)) continue;
    const linked = join(repoRoot, "node_modules", name);
    if (!existsSync(linked)) throw new Error(`${name} is not installed at the repository root`);
    const source = realpathSync(linked);
    mkdirSync(dirname(target), { recursive: true });
    if (isWorkspaceFolder(source)) copyWorkspacePackage(source, target);
    else cpSync(source, target, { recursive: true });
    copied.push(name);
    const { dependencies = {} } = readJson(join(source, "package.json"));
    for (const dependency of Object.keys(dependencies)) {
      // A copy's own nested node_modules already holds what it needs there.
      if (!existsSync(join(target, "node_modules", dependency))) pending.push(dependency);
    }
  }
  writeFileSync(record, JSON.stringify(copied));
  console.log(`bundled ${copied.join(", ") || "nothing"}`);
}

function clean() {
  if (!existsSync(record)) return;
  for (const name of readJson(record)) {
    const target = join(modulesDir, name);
    if (existsSync(target) && !lstatSync(target).isSymbolicLink())
      rmSync(target, { recursive: true });
    const scope = dirname(target);
    if (scope !== modulesDir && existsSync(scope) && readdirSync(scope).length === 0)
      rmSync(scope, { recursive: true });
  }
  rmSync(record);
  if (readdirSync(modulesDir).length === 0) rmSync(modulesDir, { recursive: true });
}

if (process.argv.includes("--clean")) clean();
else bundle();
