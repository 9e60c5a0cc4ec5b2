// npm pack hook: @wastecompute/contracts is on no registry, so the agent tarball carries it as a
// bundled dependency. In the workspace it is a symlink, which npm does not bundle; `prepack`
// copies its built files into agent/node_modules and `postpack` (`--clean`) removes the copy.
// The copy's manifest lists no dependencies: npm would otherwise expect zod inside the bundle
// too; contracts resolves the agent's own zod instead.
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const agentDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(agentDir, "node_modules");
const target = join(modules, "@wastecompute", "contracts");
rmSync(join(modules, "@wastecompute"), { recursive: true, force: true });

if (process.argv.includes("--clean")) {
  if (existsSync(modules) && readdirSync(modules).length === 0)
    rmSync(modules, { recursive: true });
} else {
  const source = join(agentDir, "..", "contracts");
  const { name, version, type, main, types, exports } = JSON.parse(
    readFileSync(join(source, "package.json"), "utf8"),
  );
  mkdirSync(target, { recursive: true });
  writeFileSync(
    join(target, "package.json"),
    `${JSON.stringify({ name, version, type, main, types, exports }, null, 2)}\n`,
  );
  cpSync(join(source, "dist"), join(target, "dist"), {
    recursive: true,
    filter: (path) => !path.endsWith(".tsbuildinfo") && !path.includes(".test."),
  });
}
