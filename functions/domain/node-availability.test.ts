import { describe, expect, it } from "vitest";
import {
  HEARTBEAT_FRESH_SECONDS,
  isOnline,
  nodeStatus,
  ownerLoadAllows,
  withinAllowedHours,
} from "./node-availability.js";

const now = new Date("2026-07-15T12:00:00Z"); // 14:00 in Berlin (CEST)
const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString();
const hours = (start: number, end: number) => ({ allowedHours: { start, end } });

describe("isOnline", () => {
  it("is online while the last heartbeat is at most the freshness window old", () => {
    expect(isOnline({ lastHeartbeatAt: ago(HEARTBEAT_FRESH_SECONDS) }, now)).toBe(true);
    expect(isOnline({ lastHeartbeatAt: ago(HEARTBEAT_FRESH_SECONDS + 1) }, now)).toBe(false);
    expect(isOnline({ lastHeartbeatAt: undefined }, now)).toBe(false);
    expect(isOnline({ lastHeartbeatAt: ago(20) }, now, 15)).toBe(false);
  });
});

describe("withinAllowedHours", () => {
  it("reads the owner's hours on the node's local clock", () => {
    expect(withinAllowedHours(hours(14, 15), "Europe/Berlin", now)).toBe(true);
    expect(withinAllowedHours(hours(14, 15), "UTC", now)).toBe(false);
    expect(withinAllowedHours(hours(0, 24), "Pacific/Kiritimati", now)).toBe(true);
  });

  it("treats end as exclusive, wraps past midnight when start > end, and start == end as never", () => {
    expect(withinAllowedHours(hours(9, 14), "Europe/Berlin", now)).toBe(false);
    expect(
      withinAllowedHours(hours(22, 6), "Europe/Berlin", new Date("2026-07-15T22:30:00Z")),
    ).toBe(true); // 00:30
    expect(
      withinAllowedHours(hours(22, 6), "Europe/Berlin", new Date("2026-07-15T20:00:00Z")),
    ).toBe(true); // 22:00
    expect(
      withinAllowedHours(hours(22, 6), "Europe/Berlin", new Date("2026-07-16T04:00:00Z")),
    ).toBe(false); // 06:00
    expect(withinAllowedHours(hours(22, 6), "Europe/Berlin", now)).toBe(false);
    expect(withinAllowedHours(hours(5, 5), "Europe/Berlin", now)).toBe(false);
  });
});

describe("ownerLoadAllows", () => {
  const policy = {
    maxOwnerLoad: 0.5,
    allowedHours: { start: 0, end: 24 },
    evictOnOwnerLoad: false,
    allowNetwork: false,
  };
  it("allows work up to the owner's load limit, and when the load is unknown", () => {
    expect(ownerLoadAllows({ ownerCpuPercent: 50, policy })).toBe(true);
    expect(ownerLoadAllows({ ownerCpuPercent: 50.1, policy })).toBe(false);
    expect(ownerLoadAllows({ ownerCpuPercent: undefined, policy })).toBe(true);
  });
});

describe("nodeStatus", () => {
  const base = { lastHeartbeatAt: ago(5), agentState: "idle" as const, slots: 2, reservations: [] };
  const reservation = (jobId: string) => ({
    jobId,
    cpuCores: 1,
    memoryMb: 1,
    gpuCount: 0,
    gpuIndexes: [],
    reservedAt: ago(1),
  });
  it("shows offline, draining, busy or online", () => {
    expect(nodeStatus(base, now)).toBe("online");
    expect(nodeStatus({ ...base, lastHeartbeatAt: ago(600) }, now)).toBe("offline");
    expect(nodeStatus({ ...base, agentState: "draining" }, now)).toBe("draining");
    expect(nodeStatus({ ...base, agentState: "paused" }, now)).toBe("draining");
    expect(nodeStatus({ ...base, reservations: [reservation("a")] }, now)).toBe("online");
    expect(nodeStatus({ ...base, reservations: [reservation("a"), reservation("b")] }, now)).toBe(
      "busy",
    );
  });
});
