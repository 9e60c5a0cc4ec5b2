// Runs one GPU job through the agent's sandbox runner (no platform needed) and prints a JSON
// summary: what the job saw (`nvidia-smi -L`, $CUDA_VISIBLE_DEVICES) and how it ended.
// Usage: node agent/scripts/gpu-job.mjs [gpuIndexes, default "0"]   (after `npm run build`)
import { Buffer } from "node:buffer";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  bubblewrapWorks,
  limitsFor,
  prepareWorkDir,
  probeHost,
  resolveRunAs,
  runSandboxed,
} from "../dist/index.js";

const gpuIndexes = (process.argv[2] ?? "0").split(",").map(Number);
const host = probeHost();
const check = await bubblewrapWorks(host);
const root = await mkdtemp(join(tmpdir(), "wc-gpu-job-"));
await chmod(root, 0o711);
const runAs = resolveRunAs(undefined);
const chunks = [];
try {
  const workDir = await prepareWorkDir(root, "gpu-job", runAs);
  const result = await runSandboxed(
    {
      command:
        'echo "CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES CUDA_DEVICE_ORDER=$CUDA_DEVICE_ORDER"; nvidia-smi -L; ls /dev | grep nvidia | sort | tr "\\n" " "; echo',
      workDir,
      jobEnv: {},
      network: false,
      gpuIndexes,
      limits: limitsFor({ maxRuntimeSec: 60, cpuCores: 1, memoryMb: 4096 }),
      runAs,
    },
    {
      isolation: check.ok ? "bubblewrap" : "none",
      host,
      timeoutMs: 60_000,
      killGraceMs: 2_000,
      onOutput: (c) => void chunks.push(Buffer.from(c)),
    },
  );
  const output = Buffer.concat(chunks).toString();
  console.log(
    JSON.stringify(
      {
        isolation: check.ok ? "bubblewrap" : `none (${check.reason})`,
        gpuIndexes,
        nvidiaDevicesBound: host.nvidiaDevices,
        exitCode: result.exitCode,
        signal: result.signal,
        wallSeconds: result.wallSeconds,
        output,
        ok:
          result.exitCode === 0 &&
          output.includes(`CUDA_VISIBLE_DEVICES=${gpuIndexes.join(",")}`) &&
          /GPU \d+:/.test(output),
      },
      null,
      2,
    ),
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
