import { describe, expect, it } from "vitest";
import { ControlMessageSchema, RegisterNodeRequestSchema } from "./nodes.js";

const hardware = {
  cpuModel: "Xeon",
  cpuCores: 8,
  cpuThreads: 16,
  cpuSpeedGhz: 3.1,
  memoryMb: 32768,
  os: "linux",
  arch: "x64",
  benchmarkScore: 1200,
};

describe("RegisterNodeRequestSchema", () => {
  it("defaults region, time zone, slots and an open owner policy", () => {
    const node = RegisterNodeRequestSchema.parse({ name: "n1", hardware, isolation: "bubblewrap" });
    expect(node).toMatchObject({
      region: "world",
      timeZone: "UTC",
      slots: 1,
      hardware: { gpus: [] },
    });
    expect(node.policy.allowedHours).toEqual({ start: 0, end: 24 });
  });

  it("rejects a time zone the tz database does not know", () => {
    const result = RegisterNodeRequestSchema.safeParse({
      name: "n1",
      hardware,
      isolation: "none",
      timeZone: "Mars/Olympus",
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["timeZone"]);
  });
});

describe("ControlMessageSchema", () => {
  it("tells control messages apart by type", () => {
    expect(ControlMessageSchema.parse({ type: "drain" })).toEqual({ type: "drain" });
    expect(ControlMessageSchema.safeParse({ type: "cancel" }).success).toBe(false);
  });
});
