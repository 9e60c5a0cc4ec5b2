import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  parseProcStat,
  processTree,
  readProcessTable,
  signalTree,
  type ProcStat,
} from "./process-tree.js";

const line =
  "4242 (my (odd) prog) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 1 0 555 10000000 1234 18446744073709551615";

describe("process tree", () => {
  it("parses /proc/<pid>/stat even when the name contains spaces and parentheses", () => {
    expect(parseProcStat(line)).toEqual({
      pid: 4242,
      ppid: 17,
      state: "S",
      cpuTicks: 310,
      rssPages: 1234,
    });
    expect(parseProcStat("garbage")).toBeUndefined();
  });

  it("collects a root and its descendants, not its siblings", () => {
    const p = (pid: number, ppid: number): ProcStat => ({
      pid,
      ppid,
      state: "S",
      cpuTicks: 0,
      rssPages: 0,
    });
    const table = [p(1, 0), p(10, 1), p(11, 10), p(12, 11), p(20, 1), p(13, 10)];
    expect(processTree(10, table).map((s) => [s.pid, s.depth])).toEqual([
      [10, 0],
      [11, 1],
      [13, 1],
      [12, 2],
    ]);
    expect(processTree(99, table)).toEqual([]);
  });

  it("signals a detached grandchild that left the process group", async () => {
    const parent = spawn("sh", ["-c", "setsid sleep 30 & wait"], {
      detached: true,
      stdio: "ignore",
    });
    const pid = parent.pid ?? -1;
    await new Promise((r) => setTimeout(r, 200));
    const tree = processTree(pid, readProcessTable());
    expect(tree.length).toBeGreaterThanOrEqual(2);
    signalTree(pid, "SIGKILL");
    await new Promise((r) => setTimeout(r, 200));
    const alive = readProcessTable().filter(
      (s) => tree.some((t) => t.pid === s.pid) && s.state !== "Z",
    );
    expect(alive).toEqual([]);
  });
});
