import { describe, expect, it } from "vitest";
import { formatRecord, redactSecrets, toLogLevel } from "./logging.js";

describe("logging", () => {
  it("formats time, level, function and short invocation id", () => {
    const line = formatRecord(
      {
        time: new Date("2026-12-04T10:11:12.345Z"),
        level: "warning",
        message: "careful",
        functionName: "jobs",
        invocationId: "0f8fad5b-d9cb-469f-a165-70867728950e",
      },
      false,
    );
    expect(line).toBe("10:11:12.345 WARN  [jobs#0f8fad5b] careful");
    expect(formatRecord({ time: new Date(0), level: "information", message: "up" }, false)).toBe(
      "00:00:00.000 INFO  [host] up",
    );
  });

  it("redacts account keys, SAS signatures and bearer tokens", () => {
    const text = redactSecrets(
      "AccountName=dev;AccountKey=abc123==;x https://a.blob/c?sv=1&sig=SECRET%3D&se=2 Authorization: Bearer eyJhbGci.x.y",
    );
    expect(text).not.toMatch(/abc123|SECRET|eyJhbGci/);
    expect(text).toContain("AccountKey=***");
    expect(text).toContain("&sig=***");
    expect(text).toContain("Bearer ***");
  });

  it("maps worker level names", () => {
    expect(toLogLevel("warning")).toBe("warning");
    expect(toLogLevel("Information")).toBe("information");
    expect(toLogLevel("none-such")).toBe("information");
  });
});
