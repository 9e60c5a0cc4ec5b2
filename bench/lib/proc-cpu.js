// CPU time a process has used so far, from /proc (Linux), so a figure can say where the time went.
import { readFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU milliseconds of `pid`, or undefined where /proc is unavailable. */
export async function cpuMs(pid) {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** CPU milliseconds each of `pids` used while `work` ran. */
export async function cpuDuring(pids, work) {
  const before = await Promise.all(Object.values(pids).map(cpuMs));
  const result = await work();
  const after = await Promise.all(Object.values(pids).map(cpuMs));
  const used = Object.fromEntries(
    Object.keys(pids).map((name, i) => [
      name,
      before[i] === undefined || after[i] === undefined ? undefined : after[i] - before[i],
    ]),
  );
  return { result, cpu: used };
}
