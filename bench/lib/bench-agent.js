// The least a seller agent does for the dispatch benchmark, over the agent protocol: register,
// heartbeat, read its own queue through the SAS URL, start and finish. It mirrors
// tests/support/scripted-agent.ts (TypeScript, not loadable from these plain-JS scripts).
/* global fetch */
import { QueueClient } from "@azure/storage-queue";
import {
  DispatchMessageSchema,
  HeartbeatResponseSchema,
  LEASE_HEADER,
  RegisterNodeResponseSchema,
} from "@wastecompute/contracts";
import { Buffer } from "node:buffer";
import { clearInterval, setInterval } from "node:timers";
import { setTimeout as sleep } from "node:timers/promises";

const VISIBILITY_SEC = 30;

async function call(apiUrl, method, path, token, body, lease) {
  const headers = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (lease !== undefined) headers[LEASE_HEADER] = lease;
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text };
}

function expectStatus(result, status, what) {
  if (result.status !== status) throw new Error(`${what}: ${result.status} ${result.text}`);
  return result.text === "" ? undefined : JSON.parse(result.text);
}

export class BenchAgent {
  constructor(apiUrl, nodeId, token, queueUrl) {
    this.apiUrl = apiUrl;
    this.nodeId = nodeId;
    this.token = token;
    this.queue = new QueueClient(queueUrl);
    this.running = new Set();
    this.timer = undefined;
  }

  static async register(apiUrl, sellerKey, slots) {
    const body = RegisterNodeResponseSchema.parse(
      expectStatus(
        await call(apiUrl, "POST", "/api/nodes", sellerKey, {
          name: "bench",
          region: "DE",
          timeZone: "UTC",
          slots,
          isolation: "bubblewrap",
          hardware: {
            cpuModel: "Bench CPU",
            cpuCores: 8,
            cpuThreads: 8,
            cpuSpeedGhz: 3,
            memoryMb: 16384,
            gpus: [],
            os: "linux",
            arch: "x64",
            benchmarkScore: 1000,
          },
        }),
        201,
        "register node",
      ),
    );
    if (body.queue.queueUrl === undefined) throw new Error("registration gave no queue SAS URL");
    return new BenchAgent(apiUrl, body.nodeId, body.nodeToken, body.queue.queueUrl);
  }

  async heartbeat() {
    const beat = HeartbeatResponseSchema.parse(
      expectStatus(
        await call(this.apiUrl, "POST", `/api/nodes/${this.nodeId}/heartbeat`, this.token, {
          utilisation: { cpuPercent: 10, memoryUsedMb: 100 },
          runningJobIds: [...this.running],
          state: "idle",
        }),
        200,
        "heartbeat",
      ),
    );
    if (beat.queue?.queueUrl !== undefined) this.queue = new QueueClient(beat.queue.queueUrl);
  }

  startHeartbeating(intervalMs) {
    this.timer = setInterval(() => this.heartbeat().catch(() => undefined), intervalMs);
  }

  stopHeartbeating() {
    clearInterval(this.timer);
  }

  /** The next dispatch message, polling every `pollMs`. */
  async nextDispatch(pollMs, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { receivedMessageItems } = await this.queue.receiveMessages({
        numberOfMessages: 1,
        visibilityTimeout: VISIBILITY_SEC,
      });
      const item = receivedMessageItems[0];
      if (item !== undefined) {
        await this.queue.deleteMessage(item.messageId, item.popReceipt);
        return DispatchMessageSchema.parse(
          JSON.parse(Buffer.from(item.messageText, "base64").toString("utf8")),
        );
      }
      await sleep(pollMs);
    }
    throw new Error(`no dispatch within ${timeoutMs} ms`);
  }

  async start(message) {
    expectStatus(
      await call(
        this.apiUrl,
        "POST",
        `/api/agent/jobs/${message.jobId}/start`,
        this.token,
        { attempt: message.attempt },
        message.leaseToken,
      ),
      200,
      `start ${message.jobId}`,
    );
    this.running.add(message.jobId);
  }

  async finish(message) {
    const now = new Date();
    expectStatus(
      await call(
        this.apiUrl,
        "POST",
        `/api/agent/jobs/${message.jobId}/finish`,
        this.token,
        {
          outcome: "exited",
          exitCode: 0,
          signal: null,
          wallSeconds: 1,
          cpuSeconds: 0.5,
          peakRssMb: 50,
          gpuSeconds: 0,
          startedAt: new Date(now.getTime() - 1000).toISOString(),
          finishedAt: now.toISOString(),
          logBytes: 0,
          outputTruncated: false,
          artifacts: [],
        },
        message.leaseToken,
      ),
      200,
      `finish ${message.jobId}`,
    );
    this.running.delete(message.jobId);
  }
}
