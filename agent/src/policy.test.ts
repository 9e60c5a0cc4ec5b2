import { describe, expect, it } from "vitest";
import {
  EVICT_AFTER_HIGH_SAMPLES,
  OwnerPolicyMonitor,
  localHour,
  ownerLoad,
  withinAllowedHours,
} from "./policy.js";

const policy = {
  maxOwnerLoad: 0.5,
  allowedHours: { start: 0, end: 24 },
  evictOnOwnerLoad: true,
  allowNetwork: false,
};
const noon = new Date("2026-12-04T12:00:00Z");

describe("owner policy", () => {
  it("reads the local hour in the node's time zone", () => {
    expect(localHour(noon, "UTC")).toBe(12);
    expect(localHour(noon, "Asia/Tokyo")).toBe(21);
    expect(localHour(new Date("2026-12-04T23:30:00Z"), "Europe/Berlin")).toBe(0);
  });

  it("allowed hours: plain ranges, ranges over midnight, all day and never", () => {
    expect(withinAllowedHours(12, { start: 9, end: 17 })).toBe(true);
    expect(withinAllowedHours(17, { start: 9, end: 17 })).toBe(false);
    expect(withinAllowedHours(23, { start: 22, end: 6 })).toBe(true);
    expect(withinAllowedHours(5, { start: 22, end: 6 })).toBe(true);
    expect(withinAllowedHours(12, { start: 22, end: 6 })).toBe(false);
    expect(withinAllowedHours(0, { start: 0, end: 24 })).toBe(true);
    expect(withinAllowedHours(3, { start: 4, end: 4 })).toBe(false);
  });

  it("owner load excludes the agent's own jobs", () => {
    expect(ownerLoad(3, 2, 4)).toBe(0.25);
    expect(ownerLoad(1, 2, 4)).toBe(0);
    expect(ownerLoad(9, 0, 4)).toBe(1);
  });

  it("stops taking work when the owner is busy and evicts only after a sustained high load", () => {
    const monitor = new OwnerPolicyMonitor(policy, "UTC");
    expect(monitor.decide(0.1, noon)).toEqual({ acceptWork: true, evict: false, reason: "idle" });
    for (let i = 1; i < EVICT_AFTER_HIGH_SAMPLES; i++)
      expect(monitor.decide(0.9, noon)).toMatchObject({ acceptWork: false, evict: false });
    expect(monitor.decide(0.9, noon)).toMatchObject({ acceptWork: false, evict: true });
    expect(monitor.decide(0.2, noon)).toMatchObject({ acceptWork: true, evict: false });
  });

  it("a threshold of 1 never pauses, even on a fully busy machine", () => {
    const monitor = new OwnerPolicyMonitor({ ...policy, maxOwnerLoad: 1 }, "UTC");
    for (let i = 0; i < 5; i++)
      expect(monitor.decide(1, noon)).toMatchObject({ acceptWork: true, evict: false });
  });

  it("never evicts when the policy says not to", () => {
    const monitor = new OwnerPolicyMonitor({ ...policy, evictOnOwnerLoad: false }, "UTC");
    for (let i = 0; i < 10; i++) expect(monitor.decide(1, noon).evict).toBe(false);
  });

  it("takes no work outside the allowed hours in the node's time zone", () => {
    const monitor = new OwnerPolicyMonitor(
      { ...policy, allowedHours: { start: 22, end: 6 } },
      "Asia/Tokyo",
    );
    expect(monitor.decide(0, new Date("2026-12-04T14:00:00Z"))).toMatchObject({ acceptWork: true });
    expect(monitor.decide(0, new Date("2026-12-04T03:00:00Z"))).toMatchObject({
      acceptWork: false,
      reason: expect.stringContaining("outside allowed hours"),
    });
  });
});
