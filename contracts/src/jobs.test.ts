import { describe, expect, it } from "vitest";
import { LegacySubmitJobRequestSchema, MAX_COMMAND_BYTES, SubmitJobRequestSchema } from "./jobs.js";

const issuePaths = (input: unknown) => {
  const result = SubmitJobRequestSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => i.path.join("."));
};

describe("SubmitJobRequestSchema", () => {
  it("fills sensible defaults for a minimal CPU job", () => {
    const job = SubmitJobRequestSchema.parse({ command: "echo hi" });
    expect(job).toMatchObject({
      resourceType: "cpu",
      requirements: { cpuCores: 1, memoryMb: 512, gpuCount: 0 },
      maxRuntimeSec: 3600,
      networkAccess: false,
      env: {},
    });
  });

  it("names the field of each mistake", () => {
    expect(issuePaths({ command: "" })).toContain("command");
    expect(issuePaths({ command: "x", resourceType: "tpu" })).toContain("resourceType");
    expect(issuePaths({ command: "x", maxRuntimeSec: -5 })).toContain("maxRuntimeSec");
    expect(issuePaths({ command: "x", maxRuntimeSec: 86_401 })).toContain("maxRuntimeSec");
    expect(issuePaths({ command: "x", requirements: { cpuCores: "2" } })).toContain(
      "requirements.cpuCores",
    );
    expect(issuePaths({ command: "x", surprise: true })).toEqual([""]);
  });

  it("limits the command to 8 KiB of UTF-8, not characters", () => {
    expect(issuePaths({ command: "a".repeat(MAX_COMMAND_BYTES) })).toEqual([]);
    expect(issuePaths({ command: "é".repeat(MAX_COMMAND_BYTES / 2 + 1) })).toContain("command");
  });

  it("rejects reserved and malformed environment names", () => {
    expect(issuePaths({ command: "x", env: { WC_OUTPUT_DIR: "/" } })).toContain(
      "env.WC_OUTPUT_DIR",
    );
    expect(issuePaths({ command: "x", env: { "1BAD": "v" } })).toContain("env.1BAD");
    expect(issuePaths({ command: "x", env: { GOOD_NAME: "v" } })).toEqual([]);
  });

  it("requires GPUs for gpu jobs and none for cpu jobs", () => {
    expect(issuePaths({ command: "x", resourceType: "gpu" })).toContain("requirements.gpuCount");
    expect(issuePaths({ command: "x", requirements: { gpuCount: 1 } })).toContain(
      "requirements.gpuCount",
    );
    expect(
      issuePaths({ command: "x", resourceType: "gpu", requirements: { gpuCount: 2 } }),
    ).toEqual([]);
  });
});

describe("LegacySubmitJobRequestSchema", () => {
  it("accepts the seed's snake_case body and normalises the resource type", () => {
    expect(
      LegacySubmitJobRequestSchema.parse({ command: "ls", max_runtime: 60, resource_type: "GPU" }),
    ).toEqual({
      command: "ls",
      max_runtime: 60,
      resource_type: "gpu",
    });
  });
});
