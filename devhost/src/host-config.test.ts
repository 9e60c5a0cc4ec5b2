import { describe, expect, it } from "vitest";
import {
  DEFAULT_QUEUE_SETTINGS,
  parseHostConfig,
  parseTimeSpanMs,
  resolveAppSettings,
} from "./host-config.js";

describe("host.json settings", () => {
  it("parses TimeSpans and plain milliseconds", () => {
    expect(parseTimeSpanMs("00:00:02")).toBe(2000);
    expect(parseTimeSpanMs("1.02:03:04.5")).toBe(((26 * 60 + 3) * 60 + 4) * 1000 + 500);
    expect(parseTimeSpanMs(1500)).toBe(1500);
    expect(parseTimeSpanMs("soon")).toBeUndefined();
  });

  it("uses the host's defaults when extensions are absent", () => {
    const config = parseHostConfig({ version: "2.0" });
    expect(config.routePrefix).toBe("api");
    expect(config.queues).toEqual(DEFAULT_QUEUE_SETTINGS);
  });

  it("reads routePrefix and queue settings, capping batchSize at 32", () => {
    const config = parseHostConfig({
      extensions: {
        http: { routePrefix: "/v1/" },
        queues: {
          batchSize: 64,
          maxPollingInterval: "00:00:02",
          visibilityTimeout: "00:00:10",
          maxDequeueCount: 3,
          messageEncoding: "None",
        },
      },
    });
    expect(config.routePrefix).toBe("v1");
    expect(config.queues).toEqual({
      batchSize: 32,
      newBatchThreshold: 16,
      maxPollingIntervalMs: 2000,
      visibilityTimeoutMs: 10_000,
      maxDequeueCount: 3,
      messageEncoding: "none",
    });
    expect(parseHostConfig({ extensions: { http: { routePrefix: "" } } }).routePrefix).toBe("");
  });

  it("resolves %AppSetting% expressions and fails on missing settings", () => {
    expect(resolveAppSettings("jobs-%ENV_NAME%", { ENV_NAME: "dev" })).toBe("jobs-dev");
    expect(() => resolveAppSettings("%MISSING%", {})).toThrow(/MISSING/);
  });
});
