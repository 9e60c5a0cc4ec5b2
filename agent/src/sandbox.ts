// The job sandbox: a pure bubblewrap (or plain limited subprocess) command builder, and the
// spawner that starts it as a detached process group with stdout and stderr merged in order.
import { execFile } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readlinkSync } from "node:fs";
import { constants } from "node:os";
import { delimiter, join } from "node:path";
import { RESERVED_ENV_PREFIXES } from "@wastecompute/contracts";
import { signalTree } from "./process-tree.js";
import { trackJobUsage } from "./usage.js";

/** Where the job's work dir appears inside the sandbox. */
export const SANDBOX_WORK_DIR = "/job";
export const OUTPUT_SUBDIR = "output";
export const SANDBOX_PATH = "/usr/local/bin:/usr/bin:/bin";
export const DEFAULT_MAX_PROCESSES = 256;
export const DEFAULT_MAX_FILE_SIZE_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_MAX_OPEN_FILES = 1024;
/** Address space is virtual: allow this multiple of the job's reserved memory. */
export const ADDRESS_SPACE_PER_RESERVED_BYTE = 2;
const MIB = 1024 * 1024;
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc"] as const;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** rlimits applied to every process of a job. */
export interface ResourceLimits {
  cpuSeconds: number;
  addressSpaceBytes: number;
  processes: number;
  fileSizeBytes: number;
  openFiles: number;
}

/** A Unix identity jobs run as. */
export interface RunAs {
  uid: number;
  gid: number;
}

/** What to run and with which permissions. */
export interface SandboxSpec {
  command: string;
  /** Host path of the job's work dir (already created, writable by `runAs`). */
  workDir: string;
  jobEnv: Record<string, string>;
  extraEnv?: Record<string, string>;
  network: boolean;
  gpuIndexes: number[];
  limits: ResourceLimits;
  /** Drop to this identity inside the sandbox (needed when the agent is root). */
  runAs?: RunAs;
}

/** Facts about the host that shape the bwrap arguments, probed once by `probeHost`. */
export interface HostLayout {
  /** System dir → symlink target (merged /usr), or "dir" for a real directory; absent ones are skipped. */
  systemDirs: Record<string, string>;
  nvidiaDevices: string[];
  /** bwrap must create a user namespace itself (agent not root). */
  unprivileged: boolean;
  hasPrlimit: boolean;
}

/** A ready-to-spawn program line. */
export interface CommandLine {
  file: string;
  args: string[];
  env: Record<string, string>;
}

/** rlimits for a job from its requirements. */
export function limitsFor(job: {
  maxRuntimeSec: number;
  cpuCores: number;
  memoryMb: number;
}): ResourceLimits {
  return {
    cpuSeconds: Math.ceil(job.maxRuntimeSec * job.cpuCores) + 5,
    addressSpaceBytes: job.memoryMb * MIB * ADDRESS_SPACE_PER_RESERVED_BYTE,
    processes: DEFAULT_MAX_PROCESSES,
    fileSizeBytes: DEFAULT_MAX_FILE_SIZE_BYTES,
    openFiles: DEFAULT_MAX_OPEN_FILES,
  };
}

/** The environment a job sees: safe defaults, then its own variables minus reserved names. */
export function jobEnvironment(
  spec: Pick<SandboxSpec, "jobEnv" | "extraEnv" | "gpuIndexes">,
  workDir: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.jobEnv)) {
    if (!ENV_NAME.test(name) || RESERVED_ENV_PREFIXES.some((p) => name.startsWith(p))) continue;
    if (name === "PATH" || name === "HOME") continue;
    env[name] = value;
  }
  Object.assign(env, {
    PATH: SANDBOX_PATH,
    HOME: workDir,
    TMPDIR: "/tmp",
    LANG: "C.UTF-8",
    WC_OUTPUT_DIR: join(workDir, OUTPUT_SUBDIR),
    ...spec.extraEnv,
  });
  if (spec.gpuIndexes.length > 0) {
    env.CUDA_VISIBLE_DEVICES = spec.gpuIndexes.join(",");
    // CUDA's default order is "fastest first"; PCI order matches nvidia-smi's indexes.
    env.CUDA_DEVICE_ORDER = "PCI_BUS_ID";
  }
  return env;
}

/** setpriv → prlimit → sh: drop identity, apply rlimits, merge stderr into stdout, run the command. */
export function innerArgv(spec: SandboxSpec, hasPrlimit: boolean): string[] {
  const argv: string[] = [];
  if (spec.runAs) {
    argv.push(
      "setpriv",
      `--reuid=${spec.runAs.uid}`,
      `--regid=${spec.runAs.gid}`,
      "--clear-groups",
      "--inh-caps=-all",
      "--bounding-set=-all",
      "--",
    );
  }
  const l = spec.limits;
  if (hasPrlimit) {
    argv.push(
      "prlimit",
      `--cpu=${l.cpuSeconds}`,
      `--as=${l.addressSpaceBytes}`,
      `--nproc=${l.processes}`,
      `--fsize=${l.fileSizeBytes}`,
      `--nofile=${l.openFiles}`,
      "--",
      "sh",
      "-c",
      'exec 2>&1; exec sh -c "$1"',
      "wc-job",
      spec.command,
    );
    return argv;
  }
  // Without prlimit (non-Linux) the POSIX ulimit subset applies; dash has no `ulimit -u`.
  const ulimits = `ulimit -t ${l.cpuSeconds} -v ${Math.floor(l.addressSpaceBytes / 1024)} -f ${Math.floor(l.fileSizeBytes / 512)} -n ${l.openFiles}`;
  argv.push("sh", "-c", `${ulimits}; exec 2>&1; exec sh -c "$1"`, "wc-job", spec.command);
  return argv;
}

/** The full `bwrap` argument list for a job. Pure: every host fact comes in through `host`. */
export function buildBwrapArgs(spec: SandboxSpec, host: HostLayout): string[] {
  const args: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    const kind = host.systemDirs[dir];
    if (kind === undefined) continue;
    if (kind === "dir") args.push("--ro-bind", dir, dir);
    else args.push("--symlink", kind, dir);
  }
  args.push("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp");
  if (spec.gpuIndexes.length > 0) {
    for (const device of host.nvidiaDevices) args.push("--dev-bind", device, device);
    args.push("--ro-bind", "/sys", "/sys");
  }
  args.push("--bind", spec.workDir, SANDBOX_WORK_DIR, "--chdir", SANDBOX_WORK_DIR);
  if (host.unprivileged) args.push("--unshare-user");
  if (!spec.network) args.push("--unshare-net");
  args.push(
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--hostname",
    "wc-job",
    "--die-with-parent",
    "--new-session",
    "--clearenv",
  );
  for (const [name, value] of Object.entries(jobEnvironment(spec, SANDBOX_WORK_DIR)))
    args.push("--setenv", name, value);
  args.push("--", ...innerArgv(spec, host.hasPrlimit));
  return args;
}

/** bwrap command line for a job. */
export function sandboxedCommand(spec: SandboxSpec, host: HostLayout): CommandLine {
  return { file: "bwrap", args: buildBwrapArgs(spec, host), env: {} };
}

/** Fallback without bwrap: same identity drop, rlimits and env, but no namespaces. */
export function unsandboxedCommand(spec: SandboxSpec, host: HostLayout): CommandLine {
  const [file, ...args] = innerArgv(spec, host.hasPrlimit);
  return { file: file ?? "sh", args, env: jobEnvironment(spec, spec.workDir) };
}

/** Finds a program on PATH. */
export function onPath(program: string, path = process.env.PATH ?? ""): boolean {
  return path.split(delimiter).some((dir) => dir && existsSync(join(dir, program)));
}

/** Probes the host once: merged-/usr symlinks, NVIDIA device nodes, privileges, prlimit. */
export function probeHost(): HostLayout {
  const systemDirs: Record<string, string> = {};
  for (const dir of SYSTEM_DIRS) {
    try {
      const stat = lstatSync(dir);
      if (stat.isSymbolicLink()) systemDirs[dir] = readlinkSync(dir);
      else if (stat.isDirectory()) systemDirs[dir] = "dir";
    } catch {
      // absent on this distribution
    }
  }
  let nvidiaDevices: string[] = [];
  try {
    nvidiaDevices = readdirSync("/dev")
      .filter((name) => name.startsWith("nvidia"))
      .map((name) => join("/dev", name))
      .filter((path) => !lstatSync(path).isDirectory());
  } catch {
    nvidiaDevices = [];
  }
  return {
    systemDirs,
    nvidiaDevices,
    unprivileged: process.getuid?.() !== 0,
    hasPrlimit: onPath("prlimit"),
  };
}

/** A started job process. */
export interface SandboxedProcess {
  pid: number;
  /** Merged job output, in the order the job wrote it. */
  output: AsyncIterable<Uint8Array>;
  /** Resolves when the process has exited. */
  exited: Promise<{ exitCode: number | null; signal: string | null }>;
}

/** Starts a command line as its own process group, stdout and stderr into one output stream. */
export async function spawnCommand(line: CommandLine, cwd: string): Promise<SandboxedProcess> {
  // execa is loaded with the first job: an idle agent stays smaller.
  const { execa } = await import("execa");
  const child = execa(line.file, line.args, {
    cwd,
    env: line.env,
    extendEnv: false,
    detached: true,
    reject: false,
    buffer: false,
    all: true,
    stdin: "ignore",
    cleanup: true,
  });
  const all = child.all;
  if (child.pid === undefined || !all) {
    // execa reports spawn failures (e.g. bwrap vanished) through the result below.
    return { pid: -1, output: emptyOutput(), exited: child.then(toExit) };
  }
  return { pid: child.pid, output: all, exited: child.then(toExit) };
}

function toExit(result: { exitCode?: number; signal?: string; failed: boolean }): {
  exitCode: number | null;
  signal: string | null;
} {
  if (result.signal) return { exitCode: null, signal: result.signal };
  return { exitCode: result.exitCode ?? (result.failed ? 127 : null), signal: null };
}

async function* emptyOutput(): AsyncIterable<Uint8Array> {}

/** How a job process ended and what it used. */
export interface SandboxResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Set when the `stop` signal ended the job early; carries the abort reason. */
  stoppedFor: unknown;
  spawnError?: string;
  startedAt: Date;
  finishedAt: Date;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

/** How to run one sandboxed process. */
export interface SandboxRunOptions {
  isolation: "bubblewrap" | "none";
  host: HostLayout;
  timeoutMs: number;
  killGraceMs: number;
  /** Receives merged output in order; the job's pipe waits while this promise is pending. */
  onOutput: (chunk: Uint8Array) => Promise<void> | void;
  /** Aborting asks the job to stop (SIGTERM, then SIGKILL after the grace). */
  stop?: AbortSignal;
  /** After the main process exits, how long to keep reading output left in the pipe. */
  drainMs?: number;
  /** Told the pid of the started process (for crash recovery). */
  onSpawn?: (pid: number) => void;
}

/** Depth of the job's first own process below bwrap and the namespace init. */
const BWRAP_JOB_DEPTH = 2;
const POST_EXIT_DRAIN_MS = 1_000;

/** Runs one command in the sandbox with a wall-clock timeout, stop signal, usage tracking and merged output. */
export async function runSandboxed(
  spec: SandboxSpec,
  options: SandboxRunOptions,
): Promise<SandboxResult> {
  const line =
    options.isolation === "bubblewrap"
      ? sandboxedCommand(spec, options.host)
      : unsandboxedCommand(spec, options.host);
  const startedAt = new Date();
  const child = await spawnCommand(line, spec.workDir);
  const usage = trackJobUsage(child.pid);
  if (child.pid > 0) options.onSpawn?.(child.pid);
  let timedOut = false;
  let stoppedFor: unknown;
  let killTimer: NodeJS.Timeout | undefined;
  let exited = false;
  const gentleDepth = options.isolation === "bubblewrap" ? BWRAP_JOB_DEPTH : 0;
  const terminate = () => {
    if (killTimer || exited) return;
    signalTree(child.pid, "SIGTERM", gentleDepth);
    killTimer = setTimeout(() => signalTree(child.pid, "SIGKILL"), options.killGraceMs);
  };
  const timeout = setTimeout(() => {
    timedOut = true;
    terminate();
  }, options.timeoutMs);
  const onStop = () => {
    stoppedFor = options.stop?.reason ?? "stopped";
    terminate();
  };
  if (options.stop?.aborted) onStop();
  else options.stop?.addEventListener("abort", onStop, { once: true });

  const pump = (async () => {
    for await (const chunk of child.output) await options.onOutput(chunk);
  })().catch(() => undefined);
  const exit = await child.exited;
  exited = true;
  // A background process may still hold the pipe in "none" isolation: kill its process group.
  // (Under bwrap the pid namespace died with the job.)
  if (options.isolation === "none" && child.pid > 0) killGroup(child.pid);
  await Promise.race([
    pump,
    new Promise((r) => setTimeout(r, options.drainMs ?? POST_EXIT_DRAIN_MS)),
  ]);
  clearTimeout(timeout);
  clearTimeout(killTimer);
  options.stop?.removeEventListener("abort", onStop);
  const finishedAt = new Date();
  const used = usage.stop();
  const wasSignalled = timedOut || stoppedFor !== undefined;
  const bwrapSignal =
    options.isolation === "bubblewrap" &&
    wasSignalled &&
    exit.exitCode !== null &&
    exit.exitCode > 128
      ? signalName(exit.exitCode - 128)
      : undefined;
  return {
    exitCode: bwrapSignal ? null : exit.exitCode,
    signal: bwrapSignal ?? exit.signal,
    timedOut,
    stoppedFor,
    spawnError: child.pid < 0 ? `could not start ${line.file}` : undefined,
    startedAt,
    finishedAt,
    wallSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
    ...used,
  };
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

function signalName(number: number): string | undefined {
  return Object.entries(constants.signals).find(([, n]) => n === number)?.[0];
}

/** Whether bubblewrap is installed and can create the namespaces the sandbox needs here. */
export async function bubblewrapWorks(host: HostLayout): Promise<{ ok: boolean; reason: string }> {
  if (!onPath("bwrap"))
    return { ok: false, reason: "bwrap is not on PATH (install the bubblewrap package)" };
  const args = [
    "--ro-bind",
    "/",
    "/",
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "--unshare-pid",
    "--unshare-net",
    "--die-with-parent",
  ];
  if (host.unprivileged) args.push("--unshare-user");
  const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    execFile("bwrap", [...args, "--", "true"], { timeout: 5_000 }, (error, _stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stderr }),
    );
  });
  return result.code === 0
    ? { ok: true, reason: "" }
    : {
        ok: false,
        reason: `bwrap cannot create a sandbox here: ${result.stderr.trim() || `exit ${result.code}`}`,
      };
}
