import { describe, expect, it } from "vitest";
import { statusOfReport } from "./job-lifecycle.js";

const report = (
  outcome: "exited" | "timed_out" | "cancelled" | "preempted" | "lost" | "error",
  exitCode: number | null = 0,
) => ({
  outcome,
  exitCode,
  signal: null,
  wallSeconds: 1,
  cpuSeconds: 1,
  peakRssMb: 1,
  gpuSeconds: 0,
  startedAt: "2026-01-01T00:00:00Z",
  finishedAt: "2026-01-01T00:00:01Z",
  logBytes: 0,
  outputTruncated: false,
  artifacts: [],
});

describe("statusOfReport", () => {
  it("maps an agent's finish report to the job's final status, or to a retry", () => {
    expect(statusOfReport(report("exited", 0))).toBe("succeeded");
    expect(statusOfReport(report("exited", 3))).toBe("failed");
    expect(statusOfReport(report("timed_out", null))).toBe("timed_out");
    expect(statusOfReport(report("cancelled", null))).toBe("cancelled");
    expect(statusOfReport(report("error", null))).toBe("failed");
    expect(statusOfReport(report("preempted", null))).toBeUndefined();
    expect(statusOfReport(report("lost", null))).toBeUndefined();
  });
});
