// The line each benchmark prints first and last: when, on what, under how much load, from which
// commit, so a figure can be matched to the code and the conditions that produced it.
import { execFileSync } from "node:child_process";
import { availableParallelism, cpus, loadavg } from "node:os";

/** The sources the benchmarks measure; other parts' work in progress does not change a figure. */
const MEASURED_PATHS = ["devhost/src", "functions", "contracts/src", "bench"];

function commit() {
  try {
    const run = (args) => execFileSync("git", args, { encoding: "utf8" }).trim();
    const dirty =
      run(["status", "--porcelain", "--untracked-files=no", "--", ...MEASURED_PATHS]) !== "";
    return `${run(["rev-parse", "--short", "HEAD"])}${dirty ? " + uncommitted changes to measured code" : ""}`;
  } catch {
    return "unknown commit";
  }
}

export function runContext() {
  const [one] = loadavg();
  return (
    `${new Date().toISOString()} — Node ${process.version}, ${availableParallelism()} CPUs ` +
    `(${cpus()[0]?.model ?? "unknown"}), load average ${one.toFixed(2)}, ${commit()}`
  );
}
