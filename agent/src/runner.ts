// Runs one dispatched job end to end: accept the lease, run the command in the sandbox while
// streaming its output, upload artifacts, report usage and outcome with `finish`.
import type { DispatchMessage, FinishJobRequest, Isolation } from "@wastecompute/contracts";
import { LeaseRefusedError, type AgentApi } from "./agent-api.js";
import { LogStreamer } from "./log-streamer.js";
import {
  limitsFor,
  runSandboxed,
  type HostLayout,
  type RunAs,
  type SandboxResult,
} from "./sandbox.js";
import { trackEnergy } from "./usage.js";
import { listArtifacts, prepareWorkDir, readArtifact, removeWorkDir } from "./workdir.js";

/** Why the agent stopped a job before it ended by itself. */
export type StopReason = "cancelled" | "preempted" | "abandoned";

/** Everything a job run needs from the agent. */
export interface JobRunnerDeps {
  api: Pick<AgentApi, "startJob" | "appendLog" | "uploadArtifact" | "finishJob">;
  isolation: Isolation;
  host: HostLayout;
  runAs: RunAs | undefined;
  workRoot: string;
  killGraceMs: number;
  outputCapBytes: number;
  /** Seller policy: may jobs that ask for the network have it? */
  allowNetwork: boolean;
  log: (event: string, fields: Record<string, unknown>) => void;
  /** Told once the job's process exists (pid for crash recovery). */
  onProcess?: (pid: number) => void;
}

/** What became of a dispatched job. */
export type JobReport =
  | { kind: "refused"; jobId: string; attempt: number; reason: string }
  /** `start` could not reach the platform: nothing ran, the message should go back on the queue. */
  | { kind: "not_started"; jobId: string; attempt: number; reason: string }
  | { kind: "abandoned"; jobId: string; attempt: number; reason: string }
  | {
      kind: "finished";
      jobId: string;
      attempt: number;
      finish: FinishJobRequest;
      reported: boolean;
    };

/** Runs `message`; `stop` (aborted with a StopReason) ends it early. Never throws for job failures. */
export async function runJob(
  message: DispatchMessage,
  deps: JobRunnerDeps,
  stop: AbortController,
): Promise<JobReport> {
  const { jobId, attempt, leaseToken } = message;
  let maxArtifactBytes: number;
  try {
    ({ maxArtifactBytes } = await deps.api.startJob(jobId, leaseToken, attempt));
  } catch (error) {
    if (error instanceof LeaseRefusedError)
      return { kind: "refused", jobId, attempt, reason: error.message };
    return {
      kind: "not_started",
      jobId,
      attempt,
      reason: error instanceof Error ? error.message : String(error),
    };
  }
  deps.log("job.started", { jobId, attempt, isolation: deps.isolation });
  const workDir = await prepareWorkDir(deps.workRoot, `${jobId}-a${attempt}`, deps.runAs);
  try {
    const streamer = new LogStreamer({
      capBytes: deps.outputCapBytes,
      upload: async (chunk) => {
        try {
          return await deps.api.appendLog(jobId, leaseToken, chunk);
        } catch (error) {
          if (error instanceof LeaseRefusedError) stop.abort("abandoned" satisfies StopReason);
          throw error;
        }
      },
      isFatal: (error) => error instanceof LeaseRefusedError,
      onRetry: (error, delayMs) =>
        deps.log("job.log_retry", {
          jobId,
          delayMs,
          reason: error instanceof Error ? error.message : String(error),
        }),
    });
    const energy = trackEnergy();
    const gpuCount = message.gpuIndexes.length;
    let result: SandboxResult;
    try {
      result = await runSandboxed(
        {
          command: message.command,
          workDir,
          jobEnv: message.env,
          extraEnv: { WC_JOB_ID: jobId, WC_ATTEMPT: String(attempt) },
          network: message.networkAccess && deps.allowNetwork,
          gpuIndexes: message.gpuIndexes,
          limits: limitsFor({
            maxRuntimeSec: message.maxRuntimeSec,
            cpuCores: message.requirements.cpuCores,
            memoryMb: message.requirements.memoryMb,
          }),
          runAs: deps.runAs,
        },
        {
          isolation: deps.isolation === "bubblewrap" ? "bubblewrap" : "none",
          host: deps.host,
          timeoutMs: message.maxRuntimeSec * 1000,
          killGraceMs: deps.killGraceMs,
          onOutput: (chunk) => streamer.write(chunk),
          onSpawn: deps.onProcess,
          stop: stop.signal,
        },
      );
    } catch (error) {
      const now = new Date();
      result = {
        exitCode: null,
        signal: null,
        timedOut: false,
        stoppedFor: undefined,
        spawnError: error instanceof Error ? error.message : String(error),
        startedAt: now,
        finishedAt: now,
        wallSeconds: 0,
        cpuSeconds: 0,
        peakRssMb: 0,
      };
    }
    const logs = await streamer.close();
    if (stop.signal.reason === "abandoned") {
      deps.log("job.abandoned", { jobId, attempt });
      return { kind: "abandoned", jobId, attempt, reason: "the platform refused the lease" };
    }
    const { uploaded, notes } = await uploadArtifacts(deps, message, workDir, maxArtifactBytes);
    const energyKwhMeasured = energy.stop(result.cpuSeconds);
    const finish: FinishJobRequest = {
      outcome: outcomeOf(result),
      exitCode: result.exitCode,
      signal: result.signal,
      wallSeconds: result.wallSeconds,
      cpuSeconds: result.cpuSeconds,
      peakRssMb: result.peakRssMb,
      gpuSeconds: result.wallSeconds * gpuCount,
      ...(energyKwhMeasured === undefined ? {} : { energyKwhMeasured }),
      startedAt: result.startedAt.toISOString(),
      finishedAt: result.finishedAt.toISOString(),
      logBytes: logs.logBytes,
      outputTruncated: logs.truncated,
      artifacts: uploaded,
      ...detailOf(result, notes, logs.delivered),
    };
    try {
      await deps.api.finishJob(jobId, leaseToken, finish);
      deps.log("job.finished", {
        jobId,
        attempt,
        outcome: finish.outcome,
        exitCode: finish.exitCode,
        wallSeconds: finish.wallSeconds,
      });
      return { kind: "finished", jobId, attempt, finish, reported: true };
    } catch (error) {
      deps.log("job.finish_failed", {
        jobId,
        attempt,
        reason: error instanceof Error ? error.message : String(error),
      });
      return { kind: "finished", jobId, attempt, finish, reported: false };
    }
  } finally {
    await removeWorkDir(workDir);
  }
}

/** The finish outcome for a sandbox result. */
export function outcomeOf(
  result: Pick<SandboxResult, "spawnError" | "timedOut" | "stoppedFor">,
): FinishJobRequest["outcome"] {
  if (result.spawnError) return "error";
  if (result.stoppedFor === "cancelled" || result.stoppedFor === "preempted")
    return result.stoppedFor;
  if (result.stoppedFor !== undefined) return "cancelled";
  if (result.timedOut) return "timed_out";
  return "exited";
}

function detailOf(
  result: SandboxResult,
  notes: string[],
  logsDelivered: boolean,
): { detail?: string } {
  const parts = [...notes];
  if (result.spawnError) parts.unshift(`could not start the job: ${result.spawnError}`);
  if (!logsDelivered) parts.push("some output could not be delivered");
  return parts.length > 0 ? { detail: parts.join("; ").slice(0, 2000) } : {};
}

async function uploadArtifacts(
  deps: JobRunnerDeps,
  message: DispatchMessage,
  workDir: string,
  maxBytes: number,
) {
  const uploaded: Array<{ name: string; sizeBytes: number }> = [];
  const notes: string[] = [];
  for (const candidate of await listArtifacts(workDir, maxBytes)) {
    if ("skipped" in candidate) {
      notes.push(`artifact ${candidate.name} skipped: ${candidate.skipped}`);
      continue;
    }
    try {
      await deps.api.uploadArtifact(
        message.jobId,
        message.leaseToken,
        candidate.name,
        await readArtifact(candidate.path, maxBytes),
      );
      uploaded.push({ name: candidate.name, sizeBytes: candidate.sizeBytes });
    } catch (error) {
      notes.push(
        `artifact ${candidate.name} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return { uploaded, notes };
}
