// Resource usage of a job (CPU seconds, peak RSS from /proc samples of its process tree) and of
// the machine (busy CPU from /proc/stat, package energy from Linux RAPL when readable).
import { readFileSync, readdirSync } from "node:fs";
import {
  CLOCK_TICKS_PER_SECOND,
  PAGE_SIZE_BYTES,
  processTree,
  readProcessTable,
  type ProcStat,
} from "./process-tree.js";

export const USAGE_SAMPLE_INTERVAL_MS = 500;
export const RAPL_ROOT = "/sys/class/powercap";
const UJ_PER_KWH = 3.6e12;
const BYTES_PER_MB = 1024 * 1024;

/** Totals of one job so far. */
export interface JobUsageSample {
  cpuSeconds: number;
  peakRssMb: number;
}

/** Folds /proc samples of a job's tree into CPU seconds and peak RSS. */
export class UsageAccumulator {
  private cpuTicks = 0;
  private peakRssPages = 0;
  /** Adds one sample of the job's process tree. Tree CPU only grows while processes are reaped inside it. */
  add(tree: readonly ProcStat[]): void {
    const ticks = tree.reduce((n, s) => n + s.cpuTicks, 0);
    const rss = tree.reduce((n, s) => n + s.rssPages, 0);
    this.cpuTicks = Math.max(this.cpuTicks, ticks);
    this.peakRssPages = Math.max(this.peakRssPages, rss);
  }
  get totals(): JobUsageSample {
    return {
      cpuSeconds: this.cpuTicks / CLOCK_TICKS_PER_SECOND,
      peakRssMb: Math.round(((this.peakRssPages * PAGE_SIZE_BYTES) / BYTES_PER_MB) * 10) / 10,
    };
  }
}

/** Samples a running job's process tree every `intervalMs` until stopped (a job shorter than one interval reports zero). */
export function trackJobUsage(
  rootPid: number,
  intervalMs = USAGE_SAMPLE_INTERVAL_MS,
): { stop(): JobUsageSample; current(): JobUsageSample } {
  const accumulator = new UsageAccumulator();
  const sample = () => {
    try {
      accumulator.add(processTree(rootPid, readProcessTable()));
    } catch {
      // /proc unavailable (non-Linux): usage stays at zero
    }
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return accumulator.totals;
    },
    current: () => accumulator.totals,
  };
}

/** Machine CPU time from the first line of /proc/stat, in clock ticks. */
export interface CpuTimes {
  busy: number;
  total: number;
}

export function parseProcStatCpu(text: string): CpuTimes | undefined {
  const line = text.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) return undefined;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
    line.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

export function readCpuTimes(path = "/proc/stat"): CpuTimes | undefined {
  try {
    return parseProcStatCpu(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

/** Sum of package energy counters (µJ) and their wrap ranges; undefined when RAPL is not readable. */
export interface RaplReading {
  packages: Array<{ energyUj: number; maxUj: number }>;
}

export function readRapl(root = RAPL_ROOT): RaplReading | undefined {
  try {
    const zones = readdirSync(root)
      .filter((name) => /^intel-rapl:\d+$/.test(name))
      .sort();
    if (zones.length === 0) return undefined;
    return {
      packages: zones.map((zone) => ({
        energyUj: Number(readFileSync(`${root}/${zone}/energy_uj`, "utf8").trim()),
        maxUj: Number(readFileSync(`${root}/${zone}/max_energy_range_uj`, "utf8").trim()),
      })),
    };
  } catch {
    return undefined;
  }
}

/** Energy used between two readings in kWh, allowing each counter to wrap once. */
export function raplDeltaKwh(before: RaplReading, after: RaplReading): number {
  let uj = 0;
  before.packages.forEach((b, i) => {
    const a = after.packages[i];
    if (!a) return;
    uj += a.energyUj >= b.energyUj ? a.energyUj - b.energyUj : a.energyUj + b.maxUj - b.energyUj;
  });
  return uj / UJ_PER_KWH;
}

/** The job's share of measured package energy: in proportion to its CPU time of all busy CPU time. */
export function attributeEnergyKwh(
  packageKwh: number,
  jobCpuSeconds: number,
  machineBusySeconds: number,
): number {
  if (machineBusySeconds <= 0) return 0;
  return packageKwh * Math.min(1, jobCpuSeconds / machineBusySeconds);
}

/** Measures package energy over a job's lifetime; `stop` gives the job's share or undefined without RAPL. */
export function trackEnergy(root = RAPL_ROOT): { stop(jobCpuSeconds: number): number | undefined } {
  const raplBefore = readRapl(root);
  const cpuBefore = readCpuTimes();
  return {
    stop(jobCpuSeconds) {
      const raplAfter = readRapl(root);
      const cpuAfter = readCpuTimes();
      if (!raplBefore || !raplAfter || !cpuBefore || !cpuAfter) return undefined;
      const busySeconds = (cpuAfter.busy - cpuBefore.busy) / CLOCK_TICKS_PER_SECOND;
      return attributeEnergyKwh(raplDeltaKwh(raplBefore, raplAfter), jobCpuSeconds, busySeconds);
    },
  };
}
