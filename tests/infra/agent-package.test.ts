// The seller install path in docs/deploy.md: `npm pack -w agent`, then `npm install -g` of the
// tarball on a machine that has never seen this repository. @wastecompute/contracts exists on no
// registry, so the install only succeeds if the tarball carries it (bundled or inlined).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./bicep-tree.js";

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), "wc-agent-package-"));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

interface PackResult {
  filename: string;
  files: Array<{ path: string }>;
}

let packed: PackResult;

describe("the seller agent tarball", () => {
  beforeAll(async () => {
    await run("npx", ["tsc", "-b", "agent"], { cwd: repoRoot });
    const { stdout } = await run(
      npm,
      ["pack", "-w", "agent", "--json", "--pack-destination", scratch],
      {
        cwd: repoRoot,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const results: PackResult[] = JSON.parse(stdout.slice(stdout.indexOf("[")));
    packed = results[0]!;
  }, 300_000);

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it("is named as docs/deploy.md says and holds the CLI", () => {
    expect(packed.filename).toBe("wastecompute-agent-0.1.0.tgz");
    const paths = packed.files.map((file) => file.path);
    expect(paths).toContain("dist/cli.js");
    expect(paths).toContain("package.json");
    expect(paths.filter((path) => path.startsWith("src/") || path.endsWith(".test.js"))).toEqual(
      [],
    );
  });

  it("declares the wastecompute-agent command", async () => {
    const { stdout } = await run("tar", [
      "-xzOf",
      join(scratch, packed.filename),
      "package/package.json",
    ]);
    const manifest: { bin?: Record<string, string> } = JSON.parse(stdout);
    expect(manifest.bin).toEqual({ "wastecompute-agent": "dist/cli.js" });
  });

  it("installs globally from the tarball alone, without this repository, and starts", async () => {
    const prefix = join(scratch, "global");
    await run(
      npm,
      [
        "install",
        "-g",
        "--prefix",
        prefix,
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        join(scratch, packed.filename),
      ],
      { cwd: scratch, maxBuffer: 16 * 1024 * 1024 },
    );
    const bin =
      process.platform === "win32"
        ? join(prefix, "wastecompute-agent.cmd")
        : join(prefix, "bin", "wastecompute-agent");
    const { stdout } = await run(bin, ["--help"], { cwd: scratch });
    expect(stdout).toMatch(/wastecompute-agent/);
  }, 300_000);
});
