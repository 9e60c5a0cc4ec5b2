// Machine utilisation between samples: total CPU %, the owner's own load (excluding our jobs) and
// memory in use — what heartbeats report and the owner policy decides on.
import { freemem, totalmem } from "node:os";
import { ownerLoad } from "./policy.js";
import { CLOCK_TICKS_PER_SECOND } from "./process-tree.js";
import { readCpuTimes, type CpuTimes } from "./usage.js";

const BYTES_PER_MB = 1024 * 1024;

/** One utilisation reading. */
export interface Utilisation {
  cpuPercent: number;
  /** Owner load 0..1. */
  ownerLoad: number;
  memoryUsedMb: number;
}

/** Compares successive /proc/stat readings; `jobCpuSeconds` is the running total of our jobs' CPU. */
export class UtilisationSampler {
  private last: { cpu: CpuTimes; jobCpuSeconds: number } | undefined;
  private latest: Utilisation = { cpuPercent: 0, ownerLoad: 0, memoryUsedMb: 0 };

  constructor(private readonly readCpu: () => CpuTimes | undefined = readCpuTimes) {}

  sample(jobCpuSeconds: number): Utilisation {
    const cpu = this.readCpu();
    const memoryUsedMb = Math.round((totalmem() - freemem()) / BYTES_PER_MB);
    if (cpu && this.last) {
      const total = cpu.total - this.last.cpu.total;
      const busy = cpu.busy - this.last.cpu.busy;
      const jobs = Math.max(0, jobCpuSeconds - this.last.jobCpuSeconds);
      if (total > 0) {
        this.latest = {
          cpuPercent: Math.min(100, Math.max(0, (busy / total) * 100)),
          ownerLoad: ownerLoad(busy / CLOCK_TICKS_PER_SECOND, jobs, total / CLOCK_TICKS_PER_SECOND),
          memoryUsedMb,
        };
      }
    } else {
      this.latest = { ...this.latest, memoryUsedMb };
    }
    if (cpu) this.last = { cpu, jobCpuSeconds };
    return this.latest;
  }

  get current(): Utilisation {
    return this.latest;
  }
}
