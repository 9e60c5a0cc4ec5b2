// What the CPU time measured during a run says: cost per unit of work in each process, and the
// rate those costs would allow on idle cores.
import { availableParallelism } from "node:os";
import { ms, perSecond } from "./stats.js";

/**
 * The rate the CPUs would allow if nothing else ran: each process's main thread gets one core
 * at most, and together they share `cores`. An estimate (GC and I/O threads are ignored) that
 * says what a run on a loaded machine would reach on an idle one.
 */
function cpuCeilingPerSecond(cpuMsPerUnit, cores) {
  const costs = Object.values(cpuMsPerUnit).filter((cost) => cost !== undefined && cost > 0);
  if (costs.length === 0) return undefined;
  const slowestProcess = Math.min(...costs.map((cost) => 1000 / cost));
  const allProcesses = (cores * 1000) / costs.reduce((sum, cost) => sum + cost, 0);
  return Math.min(slowestProcess, allProcesses);
}

/** Prints CPU per unit for each process in `cpu` (ms used, or undefined) and the ceiling. */
export function printCpuCost(cpu, count, unit) {
  const perUnit = Object.fromEntries(
    Object.entries(cpu).map(([name, used]) => [
      name,
      used === undefined ? undefined : used / count,
    ]),
  );
  const parts = Object.entries(perUnit)
    .filter(([, cost]) => cost !== undefined)
    .map(([name, cost]) => `${name} ${ms(cost, 1)}`);
  if (parts.length === 0) return;
  const cores = availableParallelism();
  console.log(`  CPU per ${unit}: ${parts.join(", ")}`);
  console.log(
    `  CPU-bound ceiling on ${cores} idle cores (estimate from the CPU above): ${perSecond(cpuCeilingPerSecond(perUnit, cores))}`,
  );
}
