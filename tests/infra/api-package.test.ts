// Builds the package azd deploys to the Function App (infra/scripts/stage-api.mjs) and checks that
// it stands alone: the workspace contracts package is inside, nothing is a symlink, no dev tools or
// other workspaces ride along, and the app's entry point loads with only what is in the folder.
import { execFile } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./bicep-tree.js";

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), "wc-api-package-"));
const out = join(scratch, "azure-api");

function symlinksUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) return [path];
    return entry.isDirectory() ? symlinksUnder(path) : [];
  });
}

describe("the deployed Function App package", () => {
  beforeAll(async () => {
    await run(
      process.execPath,
      [join(repoRoot, "infra", "scripts", "stage-api.mjs"), "--out", out],
      {
        cwd: repoRoot,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  }, 300_000);

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it("has host.json and a package.json whose main exists, with production dependencies only", () => {
    expect(existsSync(join(out, "host.json"))).toBe(true);
    const pkg: {
      main: string;
      dependencies: Record<string, string>;
      devDependencies?: unknown;
      workspaces?: unknown;
    } = JSON.parse(readFileSync(join(out, "package.json"), "utf8"));
    expect(existsSync(join(out, pkg.main))).toBe(true);
    expect(pkg.devDependencies).toBeUndefined();
    expect(pkg.workspaces).toBeUndefined();
    expect(pkg.dependencies["@wastecompute/contracts"]).toBe("file:vendor/contracts");
  });

  it("holds a real copy of @wastecompute/contracts and no symlink anywhere", () => {
    const contracts = join(out, "node_modules", "@wastecompute", "contracts");
    expect(lstatSync(contracts).isDirectory()).toBe(true);
    expect(existsSync(join(contracts, "dist", "index.js"))).toBe(true);
    expect(symlinksUnder(out)).toEqual([]);
  });

  it("leaves out other workspaces, sources, tests, infra and dev tools", () => {
    for (const path of [
      "web",
      "agent",
      "devhost",
      "tests",
      "infra",
      "functions",
      "contracts",
      ".data",
    ]) {
      expect(existsSync(join(out, path)), path).toBe(false);
    }
    for (const tool of ["vitest", "vite", "typescript", "azurite", "playwright-core", "@vercel"]) {
      expect(existsSync(join(out, "node_modules", tool)), tool).toBe(false);
    }
  });

  it("loads the app's entry point with nothing but the package's own node_modules", async () => {
    // Settings a deployed app would have; no request is made at load time.
    const env = {
      PATH: process.env.PATH ?? "",
      COSMOS_ENDPOINT: "https://cosmos.invalid:443/",
      AzureWebJobsStorage__blobServiceUri: "https://st.invalid/",
      AzureWebJobsStorage__queueServiceUri: "https://st.invalid/",
      AzureWebJobsStorage__tableServiceUri: "https://st.invalid/",
      // Outside the Functions host @azure/functions runs in its documented test mode.
      NODE_PATH: "",
    };
    const { stdout } = await run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        "await import('./dist/functions/index.js'); console.log('loaded')",
      ],
      { cwd: out, env },
    );
    expect(stdout).toContain("loaded");
  });
});
