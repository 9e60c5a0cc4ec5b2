// The platform endpoints the agent calls, typed by the shared contracts.
import {
  FinishJobRequestSchema,
  HeartbeatResponseSchema,
  LEASE_HEADER,
  LogChunkResponseSchema,
  RegisterNodeResponseSchema,
  StartJobResponseSchema,
  type FinishJobRequest,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type LogChunkRequest,
  type RegisterNodeRequest,
  type RegisterNodeResponse,
} from "@wastecompute/contracts";
import { z } from "zod";
import { ApiClient, ApiError } from "./api-client.js";

/** Log chunks are retried by the log streamer, not by the HTTP client. */
const LOG_CHUNK_ATTEMPTS = 1;
/** A finish report is worth waiting for: the platform bills from it. */
const FINISH_ATTEMPTS = 10;

/** The platform no longer recognises this job's lease (reassigned, cancelled or unknown). */
export class LeaseRefusedError extends Error {
  constructor(
    readonly jobId: string,
    readonly status: number,
    detail: string,
  ) {
    super(`job ${jobId}: lease refused (${status}${detail ? `: ${detail}` : ""})`);
    this.name = "LeaseRefusedError";
  }
}

const GapSchema = z.object({ storedBytes: z.number().int().nonnegative() });
const REFUSING_STATUSES = new Set([404, 409, 410]);

function leaseRefusal(jobId: string, error: unknown): LeaseRefusedError | undefined {
  if (error instanceof ApiError && REFUSING_STATUSES.has(error.status)) {
    return new LeaseRefusedError(
      jobId,
      error.status,
      error.problem?.detail ?? error.problem?.title ?? "",
    );
  }
  return undefined;
}

const jobPath = (jobId: string, action: string) =>
  `/api/agent/jobs/${encodeURIComponent(jobId)}/${action}`;

/** Seller-key calls (registration). */
export async function registerNode(
  api: ApiClient,
  request: RegisterNodeRequest,
): Promise<RegisterNodeResponse> {
  return api.call(
    { method: "POST", path: "/api/nodes", json: request },
    RegisterNodeResponseSchema,
  );
}

/** Node-token calls: heartbeat, drain and the per-job lease calls. */
export class AgentApi {
  constructor(
    readonly client: ApiClient,
    readonly nodeId: string,
  ) {}

  heartbeat(request: HeartbeatRequest, signal?: AbortSignal): Promise<HeartbeatResponse> {
    return this.client.call(
      {
        method: "POST",
        path: `/api/nodes/${encodeURIComponent(this.nodeId)}/heartbeat`,
        json: request,
        maxAttempts: 1,
        signal,
      },
      HeartbeatResponseSchema,
    );
  }

  async drain(): Promise<void> {
    await this.client.send({
      method: "POST",
      path: `/api/nodes/${encodeURIComponent(this.nodeId)}/drain`,
      json: {},
    });
  }

  async startJob(jobId: string, lease: string, attempt: number) {
    try {
      return await this.client.call(
        {
          method: "POST",
          path: jobPath(jobId, "start"),
          json: { attempt },
          headers: { [LEASE_HEADER]: lease },
        },
        StartJobResponseSchema,
      );
    } catch (error) {
      throw leaseRefusal(jobId, error) ?? error;
    }
  }

  /** Sends a log chunk; returns the stored length, also when a 409 reports a gap. */
  async appendLog(jobId: string, lease: string, chunk: LogChunkRequest): Promise<number> {
    try {
      const answer = await this.client.call(
        {
          method: "POST",
          path: jobPath(jobId, "logs"),
          json: chunk,
          headers: { [LEASE_HEADER]: lease },
          maxAttempts: LOG_CHUNK_ATTEMPTS,
        },
        LogChunkResponseSchema,
      );
      return answer.storedBytes;
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        const gap = GapSchema.safeParse(error.body);
        if (gap.success) return gap.data.storedBytes;
      }
      throw leaseRefusal(jobId, error) ?? error;
    }
  }

  async uploadArtifact(
    jobId: string,
    lease: string,
    name: string,
    body: Uint8Array,
  ): Promise<void> {
    try {
      await this.client.send({
        method: "PUT",
        path: jobPath(jobId, `artifacts/${encodeURIComponent(name)}`),
        raw: body,
        headers: { [LEASE_HEADER]: lease },
      });
    } catch (error) {
      throw leaseRefusal(jobId, error) ?? error;
    }
  }

  async finishJob(jobId: string, lease: string, report: FinishJobRequest): Promise<void> {
    try {
      await this.client.send({
        method: "POST",
        path: jobPath(jobId, "finish"),
        json: FinishJobRequestSchema.parse(report),
        headers: { [LEASE_HEADER]: lease },
        maxAttempts: FINISH_ATTEMPTS,
      });
    } catch (error) {
      throw leaseRefusal(jobId, error) ?? error;
    }
  }
}
