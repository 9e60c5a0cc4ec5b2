// Containment of real jobs under bubblewrap. Skipped, with the reason in the test names, only
// where bwrap is not installed (CI installs it).
import { readFileSync, readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveRunAs } from "./identity.js";
import { LogStreamer } from "./log-streamer.js";
import { processTree, readProcessTable } from "./process-tree.js";
import {
  limitsFor,
  onPath,
  probeHost,
  runSandboxed,
  type SandboxSpec,
  type SandboxRunOptions,
} from "./sandbox.js";
import { listArtifacts, prepareWorkDir } from "./workdir.js";

const hasBwrap = onPath("bwrap");
const skipReason = hasBwrap ? "" : " [SKIPPED: bwrap is not on PATH — apt-get install bubblewrap]";
if (!hasBwrap) console.warn(`sandbox containment tests skipped:${skipReason}`);

const host = probeHost();
const runAs = resolveRunAs(undefined);
let root: string;
let jobCounter = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "wc-sandbox-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function run(
  command: string,
  over: Partial<SandboxSpec> = {},
  options: Partial<SandboxRunOptions> = {},
) {
  const workDir = await prepareWorkDir(root, `job-${++jobCounter}`, runAs);
  const chunks: Buffer[] = [];
  const result = await runSandboxed(
    {
      command,
      workDir,
      jobEnv: {},
      network: false,
      gpuIndexes: [],
      limits: limitsFor({ maxRuntimeSec: 30, cpuCores: 1, memoryMb: 256 }),
      runAs,
      ...over,
    },
    {
      isolation: "bubblewrap",
      host,
      timeoutMs: 10_000,
      killGraceMs: 500,
      onOutput: (c) => void chunks.push(Buffer.from(c)),
      ...options,
    },
  );
  return { ...result, output: Buffer.concat(chunks).toString(), workDir };
}

/** Processes whose command line contains `marker`. */
function processesWith(marker: string): number[] {
  return readdirSync("/proc")
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        return readFileSync(`/proc/${n}/cmdline`, "utf8").split("\0").join(" ").includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe.skipIf(!hasBwrap)(`sandbox containment (bubblewrap)${skipReason}`, () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((socket) => {
      socket.on("error", () => undefined);
      socket.end("hello\n");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    port = typeof address === "object" && address ? address.port : 0;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("merges stdout and stderr in the order the job wrote them", async () => {
    const r = await run("echo one; echo two >&2; echo three");
    expect(r.output).toBe("one\ntwo\nthree\n");
    expect(r.exitCode).toBe(0);
  });

  it("a missing command fails the job with exit code 127 and its stderr", async () => {
    const r = await run("no-such-command-wc --flag");
    expect(r.exitCode).toBe(127);
    expect(r.output).toMatch(/no-such-command-wc: .*not found/);
  });

  const connect = `perl -MIO::Socket::INET -e 'my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:PORT", Timeout => 2) or do { print "connect failed\\n"; exit 7 }; print "connected\\n"'`;

  it("has no network: a TCP connect to a loopback server the test opened fails", async () => {
    const r = await run(connect.replace("PORT", String(port)));
    expect(r.output).toBe("connect failed\n");
    expect(r.exitCode).toBe(7);
  });

  it("reaches that same server when the network is allowed (the check above can fail)", async () => {
    const r = await run(connect.replace("PORT", String(port)), { network: true });
    expect(r.output).toBe("connected\n");
  });

  it("cannot read files planted outside its work dir", async () => {
    const planted = join(root, "planted-secret.txt");
    await writeFile(planted, "top secret\n");
    const home = process.env.HOME ?? "/root";
    const homePlanted = join(home, `.wc-planted-${process.pid}.txt`);
    await writeFile(homePlanted, "top secret\n");
    try {
      const r = await run(`cat ${planted}; cat ${homePlanted}; ls /job; echo done`);
      expect(r.output).not.toContain("top secret");
      expect(r.output).toContain("done");
    } finally {
      await rm(homePlanted, { force: true });
    }
  });

  it("contains a fork bomb within its process limit, and nothing survives the job", async () => {
    const limits = {
      ...limitsFor({ maxRuntimeSec: 30, cpuCores: 1, memoryMb: 256 }),
      processes: 24,
    };
    let peak = 0;
    let rootPid = 0;
    const sampler = setInterval(() => {
      const bwrap = readProcessTable().find((p) => processesWith("wc-fork-bomb").includes(p.pid));
      if (bwrap) rootPid = bwrap.pid;
      if (rootPid) peak = Math.max(peak, processTree(rootPid, readProcessTable()).length);
    }, 20);
    const started = Date.now();
    const r = await run(
      "b() { b | b & }; b; sleep 2; echo survived # wc-fork-bomb",
      { limits },
      { timeoutMs: 8_000 },
    );
    clearInterval(sampler);
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(r.output).toContain("survived");
    // The bomb hit the process limit (RLIMIT_NPROC counts every process of the job's user, so
    // jobs of parallel tests lower how far it gets) …
    expect(r.output).toMatch(/Cannot fork|Resource temporarily unavailable/);
    // … and never exceeded it: bwrap and the namespace init are two processes on top.
    expect(peak).toBeGreaterThanOrEqual(2);
    if (runAs) expect(peak).toBeLessThanOrEqual(24 + 2);
    expect(processesWith("wc-fork-bomb")).toEqual([]);
  });

  it("contains a memory bomb at its address-space limit", async () => {
    const r = await run("x=$(head -c 600000000 /dev/zero | tr '\\0' a); echo length ${#x}", {
      limits: limitsFor({ maxRuntimeSec: 30, cpuCores: 1, memoryMb: 64 }),
    });
    expect(r.output).not.toContain("length 600000000");
    expect(r.exitCode).not.toBe(0);
    expect(r.peakRssMb).toBeLessThan(200);
  });

  it("a wall-clock timeout stops the job and kills its grandchildren", async () => {
    const started = Date.now();
    const r = await run(
      "sleep 317.25 & sh -c 'sleep 317.5' & echo started; wait",
      {},
      { timeoutMs: 500, killGraceMs: 500 },
    );
    expect(r.output).toContain("started");
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(processesWith("317.")).toEqual([]);
  });

  it("a job that ignores SIGTERM is killed after the grace period", async () => {
    const started = Date.now();
    const r = await run(
      "trap '' TERM; echo stubborn; sleep 317.75",
      {},
      { timeoutMs: 300, killGraceMs: 300 },
    );
    expect(r.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(processesWith("317.75")).toEqual([]);
  });

  it("a stop request (cancel/preempt) ends the job and carries the reason", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort("preempted"), 300);
    const r = await run("echo working; sleep 317.9", {}, { stop: ac.signal });
    expect(r.stoppedFor).toBe("preempted");
    expect(r.timedOut).toBe(false);
  });

  it("caps output: a job printing 5 MB stores the cap plus a note and still exits cleanly", async () => {
    let stored = Buffer.alloc(0);
    const streamer = new LogStreamer({
      capBytes: 100_000,
      flushIntervalMs: 5,
      upload: async (c) => {
        stored = Buffer.concat([stored, Buffer.from(c.data, "base64")]);
        return stored.length;
      },
    });
    const r = await run(
      "head -c 5000000 /dev/zero | tr '\\0' x; echo end",
      {},
      { onOutput: (c) => streamer.write(c) },
    );
    const summary = await streamer.close();
    expect(r.exitCode).toBe(0);
    expect(summary.truncated).toBe(true);
    expect(summary.discardedBytes).toBe(5_000_000 + 4 - 100_000);
    expect(stored.subarray(0, 100_000).toString()).toBe("x".repeat(100_000));
    expect(stored.subarray(100_000).toString()).toContain("output truncated");
  });

  it("files written to $WC_OUTPUT_DIR become artifacts; symlinks out of it do not", async () => {
    const r = await run(
      'echo result > "$WC_OUTPUT_DIR/result.txt"; ln -s /etc/passwd "$WC_OUTPUT_DIR/passwd"; echo "$HOME $WC_OUTPUT_DIR"',
    );
    expect(r.output).toBe("/job /job/output\n");
    const artifacts = await listArtifacts(r.workDir, 1024);
    expect(artifacts).toEqual([
      { name: "passwd", skipped: "not a regular file" },
      { name: "result.txt", sizeBytes: 7, path: join(r.workDir, "output", "result.txt") },
    ]);
  });
});

describe("unsandboxed fallback (isolation none)", () => {
  it("still runs the job with limits, merged output and 127 for a missing command", async () => {
    const r = await run("echo a; echo b >&2; missing-cmd-wc", {}, { isolation: "none" });
    expect(r.output).toMatch(/^a\nb\n.*missing-cmd-wc: .*not found\n$/);
    expect(r.exitCode).toBe(127);
  });

  it("a timeout kills the whole process group", async () => {
    const r = await run(
      "sleep 318.25 & echo started; wait",
      {},
      { isolation: "none", timeoutMs: 300, killGraceMs: 300 },
    );
    expect(r.timedOut).toBe(true);
    expect(processesWith("318.25")).toEqual([]);
  });
});
