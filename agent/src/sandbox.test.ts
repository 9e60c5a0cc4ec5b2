import { describe, expect, it } from "vitest";
import {
  buildBwrapArgs,
  innerArgv,
  jobEnvironment,
  limitsFor,
  unsandboxedCommand,
  type HostLayout,
  type SandboxSpec,
} from "./sandbox.js";

const host: HostLayout = {
  systemDirs: {
    "/usr": "dir",
    "/bin": "usr/bin",
    "/lib": "usr/lib",
    "/lib64": "usr/lib64",
    "/etc": "dir",
  },
  nvidiaDevices: ["/dev/nvidia0", "/dev/nvidia1", "/dev/nvidiactl", "/dev/nvidia-uvm"],
  unprivileged: false,
  hasPrlimit: true,
};

const spec = (over: Partial<SandboxSpec> = {}): SandboxSpec => ({
  command: "echo hello",
  workDir: "/var/lib/wastecompute/jobs/j1-a0",
  jobEnv: { GREETING: "hi" },
  network: false,
  gpuIndexes: [],
  limits: limitsFor({ maxRuntimeSec: 60, cpuCores: 2, memoryMb: 512 }),
  runAs: { uid: 65534, gid: 65534 },
  ...over,
});

/** The value following `flag` each time it occurs. */
const pairs = (args: string[], flag: string) =>
  args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));

describe("bubblewrap arguments", () => {
  it("binds system dirs read-only, recreates merged-/usr symlinks and binds the work dir as cwd", () => {
    const args = buildBwrapArgs(spec(), host);
    expect(pairs(args, "--ro-bind")).toEqual(["/usr", "/etc"]);
    expect(pairs(args, "--symlink")).toEqual(["usr/bin", "usr/lib", "usr/lib64"]);
    expect(args.join(" ")).toContain("--bind /var/lib/wastecompute/jobs/j1-a0 /job --chdir /job");
    expect(args.join(" ")).toContain("--proc /proc --dev /dev --tmpfs /tmp");
  });

  it("isolates network, pid, ipc and uts, dies with its parent and clears the environment", () => {
    const args = buildBwrapArgs(spec(), host);
    for (const flag of [
      "--unshare-net",
      "--unshare-pid",
      "--unshare-ipc",
      "--unshare-uts",
      "--die-with-parent",
      "--new-session",
      "--clearenv",
    ]) {
      expect(args).toContain(flag);
    }
    expect(args).not.toContain("--unshare-user");
  });

  it("keeps the network only when the job asked and the seller allowed (the caller passes the conjunction)", () => {
    expect(buildBwrapArgs(spec({ network: true }), host)).not.toContain("--unshare-net");
  });

  it("adds a user namespace when the agent is not root", () => {
    expect(buildBwrapArgs(spec({ runAs: undefined }), { ...host, unprivileged: true })).toContain(
      "--unshare-user",
    );
  });

  it("sets only the job env plus safe defaults, and drops reserved or clobbering names", () => {
    const env = jobEnvironment(
      spec({
        jobEnv: {
          A: "1",
          WC_OUTPUT_DIR: "/etc",
          LD_PRELOAD: "/x.so",
          PATH: "/evil",
          "BAD-NAME": "x",
        },
      }),
      "/job",
    );
    expect(env).toEqual({
      A: "1",
      PATH: "/usr/local/bin:/usr/bin:/bin",
      HOME: "/job",
      TMPDIR: "/tmp",
      LANG: "C.UTF-8",
      WC_OUTPUT_DIR: "/job/output",
    });
    const args = buildBwrapArgs(spec(), host);
    expect(args.join(" ")).toContain("--setenv GREETING hi");
    expect(args.join(" ")).toContain("--setenv WC_OUTPUT_DIR /job/output");
  });

  it("a GPU job gets its reserved GPUs in CUDA_VISIBLE_DEVICES (PCI order) and the NVIDIA devices", () => {
    const args = buildBwrapArgs(spec({ gpuIndexes: [1, 3] }), host);
    expect(args.join(" ")).toContain("--setenv CUDA_VISIBLE_DEVICES 1,3");
    expect(args.join(" ")).toContain("--setenv CUDA_DEVICE_ORDER PCI_BUS_ID");
    expect(pairs(args, "--dev-bind")).toEqual(host.nvidiaDevices);
    const cpuArgs = buildBwrapArgs(spec(), host);
    expect(cpuArgs.join(" ")).not.toContain("CUDA_VISIBLE_DEVICES");
    expect(cpuArgs).not.toContain("--dev-bind");
  });

  it("drops to the run-as user, applies rlimits and merges stderr into stdout before running the command", () => {
    const args = buildBwrapArgs(spec(), host);
    const inner = args.slice(args.indexOf("--") + 1);
    expect(inner.slice(0, 7)).toEqual([
      "setpriv",
      "--reuid=65534",
      "--regid=65534",
      "--clear-groups",
      "--inh-caps=-all",
      "--bounding-set=-all",
      "--",
    ]);
    expect(inner).toContain("--cpu=125");
    expect(inner).toContain(`--as=${512 * 1024 * 1024 * 2}`);
    expect(inner).toContain("--nproc=256");
    expect(inner.slice(-5)).toEqual([
      "sh",
      "-c",
      'exec 2>&1; exec sh -c "$1"',
      "wc-job",
      "echo hello",
    ]);
  });

  it("falls back to POSIX ulimit without prlimit", () => {
    const inner = innerArgv(spec({ runAs: undefined }), false);
    expect(inner[0]).toBe("sh");
    expect(inner[2]).toMatch(/^ulimit -t 125 -v 1048576 -f 2097152 -n 1024; exec 2>&1;/);
  });

  it("without bwrap runs the same limited command with the host work dir as HOME", () => {
    const line = unsandboxedCommand(spec(), host);
    expect(line.file).toBe("setpriv");
    expect(line.env.HOME).toBe("/var/lib/wastecompute/jobs/j1-a0");
    expect(line.env.WC_OUTPUT_DIR).toBe("/var/lib/wastecompute/jobs/j1-a0/output");
  });
});
