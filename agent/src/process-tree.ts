// The processes a job owns, found by walking parent links in /proc (a sandboxed job may leave
// its process group, but never its ancestry).
import { readFileSync, readdirSync } from "node:fs";

/** Linux reports times in clock ticks; USER_HZ is 100 on every mainstream architecture. */
export const CLOCK_TICKS_PER_SECOND = 100;
export const PAGE_SIZE_BYTES = 4096;

/** The fields of /proc/<pid>/stat that the agent uses. */
export interface ProcStat {
  pid: number;
  ppid: number;
  /** One letter: R running, S sleeping, Z zombie (exited, not yet reaped) … */
  state: string;
  /** utime + stime + cutime + cstime, in clock ticks. */
  cpuTicks: number;
  rssPages: number;
}

/** Parses one /proc/<pid>/stat line; the command name may contain spaces and parentheses. */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  const pid = Number.parseInt(text, 10);
  // Fields after the name start at field 3 (state); utime is field 14, rss field 24.
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const field = (n: number) => Number(rest[n - 3]);
  const numbers = {
    pid,
    ppid: field(4),
    cpuTicks: field(14) + field(15) + field(16) + field(17),
    rssPages: field(24),
  };
  return Object.values(numbers).every(Number.isFinite)
    ? { ...numbers, state: rest[0] ?? "?" }
    : undefined;
}

/** Every readable process on the machine (processes that vanish mid-scan are skipped). */
export function readProcessTable(procRoot = "/proc"): ProcStat[] {
  const table: ProcStat[] = [];
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseProcStat(readFileSync(`${procRoot}/${name}/stat`, "utf8"));
      if (stat) table.push(stat);
    } catch {
      // exited between readdir and read
    }
  }
  return table;
}

/** A process in a tree, with its distance from the root (root = 0). */
export type TreeMember = ProcStat & { depth: number };

/** `root` and all its descendants, parents before children. */
export function processTree(root: number, table: readonly ProcStat[]): TreeMember[] {
  const children = new Map<number, ProcStat[]>();
  let rootStat: ProcStat | undefined;
  for (const stat of table) {
    if (stat.pid === root) rootStat = stat;
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push(stat);
    children.set(stat.ppid, siblings);
  }
  if (!rootStat) return [];
  const tree: TreeMember[] = [{ ...rootStat, depth: 0 }];
  for (let i = 0; i < tree.length; i++) {
    const current = tree[i];
    if (current)
      tree.push(
        ...(children.get(current.pid) ?? []).map((s) => ({ ...s, depth: current.depth + 1 })),
      );
  }
  return tree;
}

/**
 * Sends `signal` to the tree's processes at `minDepth` or deeper, deepest first. With minDepth 0
 * root's process group is signalled too. (Under bubblewrap, depth 0 and 1 are bwrap itself and
 * the namespace's init: signalling them would SIGKILL the job at once instead of asking it to stop.)
 */
export function signalTree(root: number, signal: NodeJS.Signals, minDepth = 0): number {
  if (!Number.isInteger(root) || root <= 1) return 0;
  const tree = processTree(root, readProcessTable());
  let signalled = 0;
  for (const stat of tree.slice().reverse()) {
    if (stat.depth >= minDepth && stat.pid !== root && trySignal(stat.pid, signal)) signalled++;
  }
  if (minDepth === 0 && (trySignal(-root, signal) || trySignal(root, signal))) signalled++;
  return signalled;
}

function trySignal(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}
