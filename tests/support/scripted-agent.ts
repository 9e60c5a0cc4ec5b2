// A scripted seller agent speaking the agent protocol over HTTP: register, heartbeat, read its
// dispatch queue through the SAS URL it was given, then start / log / upload / finish on cue.
import { QueueClient } from "@azure/storage-queue";
import {
  DispatchMessageSchema,
  HeartbeatResponseSchema,
  LEASE_HEADER,
  RegisterNodeResponseSchema,
  type DispatchMessage,
  type FinishJobRequest,
  type HeartbeatResponse,
  type QueueAccess,
} from "@wastecompute/contracts";

export interface AgentSpec {
  name?: string;
  cpuCores?: number;
  memoryMb?: number;
  gpus?: number;
  slots?: number;
  timeZone?: string;
  region?: string;
}

export interface FinishOptions extends Partial<FinishJobRequest> {
  /** Seconds the job "ran" (default 2). */
  seconds?: number;
}

export class ScriptedAgent {
  private heartbeatTimer: NodeJS.Timeout | undefined;
  readonly running = new Set<string>();
  /** Control messages received from heartbeats, in order. */
  readonly control: HeartbeatResponse["control"] = [];

  private constructor(
    readonly apiUrl: string,
    readonly nodeId: string,
    readonly token: string,
    public queue: QueueAccess,
  ) {}

  static async register(
    apiUrl: string,
    sellerKey: string,
    spec: AgentSpec = {},
  ): Promise<ScriptedAgent> {
    const gpus = Array.from({ length: spec.gpus ?? 0 }, (_, index) => ({
      index,
      model: "NVIDIA A100",
      vendor: "nvidia",
      vramMb: 40960,
    }));
    const response = await fetch(`${apiUrl}/api/nodes`, {
      method: "POST",
      headers: { authorization: `Bearer ${sellerKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: spec.name ?? "scripted",
        region: spec.region ?? "DE",
        timeZone: spec.timeZone ?? "UTC",
        slots: spec.slots ?? 2,
        isolation: "bubblewrap",
        hardware: {
          cpuModel: "Test CPU",
          cpuCores: spec.cpuCores ?? 8,
          cpuThreads: spec.cpuCores ?? 8,
          cpuSpeedGhz: 3,
          memoryMb: spec.memoryMb ?? 16384,
          gpus,
          os: "linux",
          arch: "x64",
          benchmarkScore: 1000,
        },
      }),
    });
    const text = await response.text();
    if (response.status !== 201) throw new Error(`register failed: ${response.status} ${text}`);
    const body = RegisterNodeResponseSchema.parse(JSON.parse(text));
    return new ScriptedAgent(apiUrl, body.nodeId, body.nodeToken, body.queue);
  }

  /** A call as this node; `lease` adds the lease header. */
  call(method: string, path: string, body?: unknown, lease?: string): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (lease !== undefined) headers[LEASE_HEADER] = lease;
    return fetch(`${this.apiUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  async heartbeat(
    state: "idle" | "busy" | "draining" | "paused" = "idle",
  ): Promise<HeartbeatResponse> {
    const response = await this.call("POST", `/api/nodes/${this.nodeId}/heartbeat`, {
      utilisation: { cpuPercent: 10, memoryUsedMb: 100 },
      runningJobIds: [...this.running],
      state,
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`heartbeat failed: ${response.status} ${text}`);
    const beat = HeartbeatResponseSchema.parse(JSON.parse(text));
    if (beat.queue !== undefined) this.queue = beat.queue;
    this.control.push(...beat.control);
    return beat;
  }

  startHeartbeating(intervalMs = 1000): void {
    this.stopHeartbeating();
    this.heartbeatTimer = setInterval(() => {
      this.heartbeat().catch(() => undefined);
    }, intervalMs);
  }

  stopHeartbeating(): void {
    if (this.heartbeatTimer !== undefined) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  /** Waits for the next dispatch message on this node's queue (read through the SAS URL). */
  async nextDispatch(timeoutMs = 60_000): Promise<DispatchMessage> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      // The SAS may have been refreshed by a heartbeat since the last poll.
      if (this.queue.queueUrl === undefined) throw new Error("no queue SAS URL");
      const queue = new QueueClient(this.queue.queueUrl);
      const { receivedMessageItems } = await queue.receiveMessages({
        numberOfMessages: 1,
        visibilityTimeout: 30,
      });
      const item = receivedMessageItems[0];
      if (item !== undefined) {
        await queue.deleteMessage(item.messageId, item.popReceipt);
        return DispatchMessageSchema.parse(
          JSON.parse(Buffer.from(item.messageText, "base64").toString("utf8")),
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`no dispatch for node ${this.nodeId} within ${timeoutMs} ms`);
  }

  async start(message: DispatchMessage): Promise<Response> {
    const response = await this.call(
      "POST",
      `/api/agent/jobs/${message.jobId}/start`,
      { attempt: message.attempt },
      message.leaseToken,
    );
    if (response.status === 200) this.running.add(message.jobId);
    return response;
  }

  appendLog(message: DispatchMessage, offset: number, text: string, seq = 0): Promise<Response> {
    return this.call(
      "POST",
      `/api/agent/jobs/${message.jobId}/logs`,
      { seq, offset, data: Buffer.from(text, "utf8").toString("base64") },
      message.leaseToken,
    );
  }

  putArtifact(
    message: DispatchMessage,
    name: string,
    data: Buffer,
    contentType = "application/octet-stream",
  ): Promise<Response> {
    return fetch(`${this.apiUrl}/api/agent/jobs/${message.jobId}/artifacts/${name}`, {
      method: "PUT",
      headers: {
        authorization: `Bearer ${this.token}`,
        [LEASE_HEADER]: message.leaseToken,
        "content-type": contentType,
      },
      body: new Uint8Array(data),
    });
  }

  finishBody(options: FinishOptions = {}): FinishJobRequest {
    const { seconds = 2, ...overrides } = options;
    const finishedAt = new Date();
    const startedAt = new Date(finishedAt.getTime() - seconds * 1000);
    return {
      outcome: "exited",
      exitCode: 0,
      signal: null,
      wallSeconds: seconds,
      cpuSeconds: seconds * 0.5,
      peakRssMb: 50,
      gpuSeconds: 0,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      logBytes: 0,
      outputTruncated: false,
      artifacts: [],
      ...overrides,
    };
  }

  async finish(message: DispatchMessage, body: FinishJobRequest): Promise<Response> {
    const response = await this.call(
      "POST",
      `/api/agent/jobs/${message.jobId}/finish`,
      body,
      message.leaseToken,
    );
    if (response.status === 200) this.running.delete(message.jobId);
    return response;
  }
}
