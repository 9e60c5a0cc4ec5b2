// Runs the built `devhost stack` CLI as a child process for tests and watches its output.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(fileURLToPath(new URL("../../../..", import.meta.url)));
export const fixtureAppDir = resolve(fileURLToPath(new URL("../fixtures/app", import.meta.url)));
export const cliScript = join(repoRoot, "devhost", "dist", "cli.js");
export const cosmosServerScript = join(
  repoRoot,
  "devhost",
  "dist",
  "stack",
  "cosmos-server-main.js",
);

/** Environment without anything that would switch parts of the stack to external services. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(COSMOS_|AzureWebJobsStorage|FIXTURE_)/.test(name)) delete env[name];
  }
  return { ...env, ...extra };
}

const tempDirs: string[] = [];

/** A fresh folder under the OS temp dir, removed by removeTempDirs(). */
export async function tempDir(purpose: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `devhost-stack-${purpose}-`));
  tempDirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export async function writeTempConfig(config: unknown): Promise<string> {
  const dir = await tempDir("config");
  const path = join(dir, "devhost.stack.json");
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
}

export class LaunchedStack {
  private text = "";
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    const append = (chunk: Buffer): void => {
      this.text += chunk.toString();
    };
    child.stdout?.on("data", append);
    child.stderr?.on("data", append);
    this.exited = new Promise((done) => child.once("exit", (code) => done(code)));
  }

  output(): string {
    return this.text;
  }

  /** Resolves with the first match of `pattern` in the output; rejects if the stack exits first. */
  async waitFor(pattern: RegExp, timeoutMs = 90_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.text);
      if (match) return match;
      if (this.child.exitCode !== null)
        throw new Error(`stack exited (${this.child.exitCode}) before ${pattern}:\n${this.text}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${this.text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGTERM, then the exit code; SIGKILL if it does not stop within `graceMs`. */
  async stop(graceMs = 30_000): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

export function launchStack(
  args: readonly string[],
  env: NodeJS.ProcessEnv = cleanEnv(),
): LaunchedStack {
  if (!existsSync(cliScript))
    throw new Error(`${cliScript} is missing: run \`npm run build\` first`);
  return new LaunchedStack(
    spawn(process.execPath, [cliScript, "stack", ...args], {
      cwd: repoRoot,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
}
