// The agent's local state file: what `status` shows, and what a restarted agent needs to report
// the jobs it lost in a crash. Written atomically with mode 0600 (it holds job lease tokens).
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

export const STATE_FILE_NAME = "state.json";
/** Remembered (job, attempt) pairs so a redelivered message never runs twice, even after a restart. */
export const SEEN_DELIVERIES_KEPT = 500;
export const RECENT_JOBS_KEPT = 20;

const RunningJobSchema = z.object({
  jobId: z.string(),
  attempt: z.number().int(),
  leaseToken: z.string(),
  startedAt: z.string(),
  pid: z.number().int().optional(),
  command: z.string(),
});
export type RunningJob = z.infer<typeof RunningJobSchema>;

const RecentJobSchema = z.object({
  jobId: z.string(),
  attempt: z.number().int(),
  outcome: z.string(),
  exitCode: z.number().int().nullable(),
  finishedAt: z.string(),
});
export type RecentJob = z.infer<typeof RecentJobSchema>;

export const AGENT_STATUSES = ["idle", "busy", "draining", "paused", "stopped"] as const;

export const AgentStateSchema = z.object({
  pid: z.number().int(),
  nodeId: z.string(),
  status: z.enum(AGENT_STATUSES),
  statusReason: z.string().default(""),
  isolation: z.enum(["bubblewrap", "none"]),
  slots: z.number().int(),
  startedAt: z.string(),
  updatedAt: z.string(),
  apiReachable: z.boolean().default(true),
  running: z.array(RunningJobSchema),
  recent: z.array(RecentJobSchema),
  seen: z.array(z.string()),
});
export type AgentState = z.infer<typeof AgentStateSchema>;

export const deliveryKey = (jobId: string, attempt: number) => `${jobId}#${attempt}`;

export function stateFilePath(stateDir: string): string {
  return join(stateDir, STATE_FILE_NAME);
}

/** Reads the state file; undefined when it is absent or unreadable (a fresh start). */
export async function readState(stateDir: string): Promise<AgentState | undefined> {
  try {
    const parsed = AgentStateSchema.safeParse(
      JSON.parse(await readFile(stateFilePath(stateDir), "utf8")),
    );
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function writeState(stateDir: string, state: AgentState): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const path = stateFilePath(stateDir);
  const temp = `${path}.${process.pid}.tmp`;
  const trimmed: AgentState = {
    ...state,
    recent: state.recent.slice(-RECENT_JOBS_KEPT),
    seen: state.seen.slice(-SEEN_DELIVERIES_KEPT),
  };
  await writeFile(temp, JSON.stringify(trimmed, null, 2), { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
}

/** Whether a process with this pid exists (signal 0 probes without signalling). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && "code" in error && error.code === "EPERM";
  }
}

/** Serialises state writes so the newest always lands last. */
export class StateStore {
  private chain: Promise<void> = Promise.resolve();
  constructor(
    private readonly stateDir: string,
    public state: AgentState,
  ) {}

  update(change: (state: AgentState) => void): Promise<void> {
    change(this.state);
    this.state.updatedAt = new Date().toISOString();
    const snapshot = structuredClone(this.state);
    this.chain = this.chain.then(() => writeState(this.stateDir, snapshot)).catch(() => undefined);
    return this.chain;
  }
}
