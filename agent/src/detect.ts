// Hardware detection: systeminformation for CPU/memory/OS, nvidia-smi for GPUs, plus a short
// built-in benchmark so buyers can compare nodes.
import { createHash } from "node:crypto";
import si from "systeminformation";
import { HardwareSpecSchema, type GpuSpec, type HardwareSpec } from "@wastecompute/contracts";
import { queryNvidiaGpus } from "./nvidia.js";

/** How long the built-in single-core benchmark runs. */
export const BENCHMARK_DURATION_MS = 200;
const BYTES_PER_MB = 1024 * 1024;

/** The subset of systeminformation's answers that detection reads. */
export interface SystemFacts {
  cpu: {
    manufacturer: string;
    brand: string;
    family?: string;
    speed: number;
    speedMax?: number;
    cores: number;
    physicalCores: number;
  };
  mem: { total: number };
  osInfo: { platform: string; distro: string; release: string; arch: string };
}

/** Maps systeminformation facts, GPUs and the per-core benchmark score to the wire HardwareSpec. */
export function toHardwareSpec(
  facts: SystemFacts,
  gpus: GpuSpec[],
  singleCoreScore: number,
): HardwareSpec {
  const threads = Math.max(1, facts.cpu.cores);
  const cores = Math.max(1, Math.min(threads, facts.cpu.physicalCores || threads));
  const speed = facts.cpu.speedMax && facts.cpu.speedMax > 0 ? facts.cpu.speedMax : facts.cpu.speed;
  const model =
    [facts.cpu.manufacturer, facts.cpu.brand].filter((s) => s && s.trim().length > 0).join(" ") ||
    "unknown CPU";
  return HardwareSpecSchema.parse({
    cpuModel: model.slice(0, 256),
    cpuFamily: facts.cpu.family ? facts.cpu.family.slice(0, 64) : undefined,
    cpuCores: cores,
    cpuThreads: threads,
    cpuSpeedGhz: Math.min(10, Math.max(0, Number.isFinite(speed) ? speed : 0)),
    memoryMb: Math.max(1, Math.floor(facts.mem.total / BYTES_PER_MB)),
    gpus: gpus.map(({ index, model: gpuModel, vendor, vramMb, driver }) => ({
      index,
      model: gpuModel,
      vendor,
      vramMb,
      driver,
    })),
    os:
      `${facts.osInfo.distro} ${facts.osInfo.release}`.trim().slice(0, 128) ||
      facts.osInfo.platform,
    arch: facts.osInfo.arch.slice(0, 32),
    benchmarkScore: Math.round(cores * singleCoreScore * 100) / 100,
  });
}

/** Single-core score: thousands of SHA-256 hashes of a 64-byte block per second, over `durationMs`. */
export function singleCoreBenchmark(durationMs = BENCHMARK_DURATION_MS): number {
  let block = Buffer.alloc(64, 7);
  let hashes = 0;
  const started = process.hrtime.bigint();
  const budgetNs = BigInt(durationMs) * 1_000_000n;
  let elapsedNs = 0n;
  while (elapsedNs < budgetNs) {
    for (let i = 0; i < 1000; i++)
      block = Buffer.concat([createHash("sha256").update(block).digest(), block.subarray(32)]);
    hashes += 1000;
    elapsedNs = process.hrtime.bigint() - started;
  }
  return Math.round((hashes / (Number(elapsedNs) / 1e9) / 1000) * 100) / 100;
}

/** Detects this machine's hardware spec. */
export async function detectHardware(): Promise<HardwareSpec> {
  const [cpu, mem, osInfo, gpus] = await Promise.all([
    si.cpu(),
    si.mem(),
    si.osInfo(),
    queryNvidiaGpus(),
  ]);
  return toHardwareSpec({ cpu, mem, osInfo }, gpus, singleCoreBenchmark());
}
