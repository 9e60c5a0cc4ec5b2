// NVIDIA GPUs as nvidia-smi reports them: the spec for registration and utilisation for heartbeats.
import { execFile } from "node:child_process";
import type { GpuSpec } from "@wastecompute/contracts";

export const NVIDIA_SMI_TIMEOUT_MS = 5_000;
export const NVIDIA_SMI_QUERY = [
  "--query-gpu=index,name,memory.total,driver_version,utilization.gpu",
  "--format=csv,noheader,nounits",
];

/** One GPU as nvidia-smi reports it, including the current utilisation. */
export interface NvidiaGpu extends GpuSpec {
  utilizationPercent: number | undefined;
}

/** Parses `nvidia-smi --query-gpu=index,name,memory.total,driver_version,utilization.gpu --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(csv: string): NvidiaGpu[] {
  return csv
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .flatMap((line) => {
      const [index, name, memory, driver, util] = line.split(",").map((f) => f.trim());
      const indexNumber = Number(index);
      if (!name || !Number.isInteger(indexNumber) || indexNumber < 0) return [];
      const vram = Number(memory);
      const utilization = Number(util);
      return [
        {
          index: indexNumber,
          model: name.slice(0, 128),
          vendor: "NVIDIA",
          vramMb: Number.isFinite(vram) ? Math.round(vram) : 0,
          driver: driver && driver !== "[N/A]" ? driver.slice(0, 64) : undefined,
          utilizationPercent: Number.isFinite(utilization) && util !== "" ? utilization : undefined,
        },
      ];
    });
}

/** Runs nvidia-smi; no GPUs (an empty list) when it is missing or fails. */
export function queryNvidiaGpus(): Promise<NvidiaGpu[]> {
  return new Promise((resolve) => {
    execFile("nvidia-smi", NVIDIA_SMI_QUERY, { timeout: NVIDIA_SMI_TIMEOUT_MS }, (error, stdout) =>
      resolve(error ? [] : parseNvidiaSmi(stdout)),
    );
  });
}

/** Mean utilisation of the GPUs, or undefined without GPUs or readings. */
export function meanGpuUtilisation(gpus: readonly NvidiaGpu[]): number | undefined {
  const readings = gpus.flatMap((g) =>
    g.utilizationPercent === undefined ? [] : [g.utilizationPercent],
  );
  return readings.length === 0 ? undefined : readings.reduce((a, b) => a + b, 0) / readings.length;
}
