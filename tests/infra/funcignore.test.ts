// .funcignore uses gitignore rules; `ignore` implements them, so these cases read the file the way
// azd and Core Tools do. The root rules must also be harmless if applied to the staged package.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ignorePackage from "ignore";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./bicep-tree.js";

// `ignore` is CommonJS whose typings declare an ES default export; under NodeNext the default
// import is the module object, and the function sits on its `default` property too.
const ignore = ignorePackage.default;

const rootRules = ignore().add(readFileSync(join(repoRoot, ".funcignore"), "utf8"));

describe(".funcignore at the repository root", () => {
  it.each([
    "host.json",
    "package.json",
    "package-lock.json",
    "dist/functions/index.js",
    "dist/functions/http/jobs.js",
    "contracts/package.json",
    "contracts/dist/index.js",
  ])("keeps %s, which the Function App loads", (path) => {
    expect(rootRules.ignores(path)).toBe(false);
  });

  it.each([
    "web/index.html",
    "agent/package.json",
    "devhost/src/cli.ts",
    "tests/infra/bicep.test.ts",
    "infra/main.bicep",
    "functions/index.ts",
    "contracts/src/index.ts",
    "contracts/tsconfig.json",
    ".data/cosmos.json",
    "local.settings.json",
    "tsconfig.json",
    "azure.yaml",
    "docs/deploy.md",
    "dist/azure-api/host.json",
    "dist/functions/tsconfig.tsbuildinfo",
  ])("leaves out %s", (path) => {
    expect(rootRules.ignores(path)).toBe(true);
  });
});

describe("the staged package (dist/azure-api)", () => {
  it.each([
    "host.json",
    "package.json",
    "dist/functions/index.js",
    "node_modules/@wastecompute/contracts/dist/index.js",
    "node_modules/@azure/functions/package.json",
    "vendor/contracts/dist/index.js",
  ])("keeps %s under the root rules too", (path) => {
    expect(rootRules.ignores(path)).toBe(false);
  });

  it("ships node_modules under the rules stage-api.mjs writes into the folder", () => {
    const script = readFileSync(join(repoRoot, "infra", "scripts", "stage-api.mjs"), "utf8");
    const written = /writeFileSync\(join\(out, "\.funcignore"\), "([^"]*)"\)/.exec(script);
    expect(written).not.toBeNull();
    const stagedRules = ignore().add(written![1]!.replaceAll("\\n", "\n"));
    expect(stagedRules.ignores("node_modules/zod/package.json")).toBe(false);
    expect(stagedRules.ignores("dist/functions/index.js")).toBe(false);
    expect(stagedRules.ignores("local.settings.json")).toBe(true);
  });
});
