import { mkdtemp, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  SEEN_DELIVERIES_KEPT,
  StateStore,
  deliveryKey,
  processAlive,
  readState,
  stateFilePath,
  type AgentState,
} from "./state.js";

const base = (): AgentState => ({
  pid: process.pid,
  nodeId: "n1",
  status: "idle",
  statusReason: "",
  isolation: "bubblewrap",
  slots: 2,
  startedAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
  apiReachable: true,
  running: [],
  recent: [],
  seen: [],
});

describe("agent state file", () => {
  it("round-trips through a 0600 file and keeps only the newest seen deliveries", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wc-state-"));
    const store = new StateStore(dir, base());
    await store.update((s) => {
      s.running.push({
        jobId: "j1",
        attempt: 0,
        leaseToken: "lease",
        startedAt: new Date().toISOString(),
        command: "echo",
      });
      for (let i = 0; i < SEEN_DELIVERIES_KEPT + 5; i++) s.seen.push(deliveryKey(`j${i}`, 0));
    });
    const read = await readState(dir);
    expect(read?.running.map((r) => r.jobId)).toEqual(["j1"]);
    expect(read?.seen).toHaveLength(SEEN_DELIVERIES_KEPT);
    expect(read?.seen.at(-1)).toBe(deliveryKey(`j${SEEN_DELIVERIES_KEPT + 4}`, 0));
    expect((await stat(stateFilePath(dir))).mode & 0o777).toBe(0o600);
  });

  it("an absent or corrupt state file is a fresh start", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wc-state-"));
    expect(await readState(dir)).toBeUndefined();
    await writeFile(stateFilePath(dir), "{oops");
    expect(await readState(dir)).toBeUndefined();
  });

  it("knows whether a pid is alive", () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(2 ** 22 + 12345)).toBe(false);
  });
});
