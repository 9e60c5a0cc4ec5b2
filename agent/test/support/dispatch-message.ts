// A valid dispatch message for agent tests; each test overrides what it is about.
import type { DispatchMessage } from "@wastecompute/contracts";

export function dispatchMessage(over: Partial<DispatchMessage> = {}): DispatchMessage {
  return {
    kind: "job",
    jobId: "job-1",
    attempt: 0,
    leaseToken: "lease-token-0123456789",
    command: "echo hi",
    env: {},
    resourceType: "cpu",
    requirements: { cpuCores: 1, memoryMb: 256, gpuCount: 0 },
    maxRuntimeSec: 30,
    networkAccess: false,
    acceptBy: new Date(Date.now() + 60_000).toISOString(),
    gpuIndexes: [],
    ...over,
  };
}
