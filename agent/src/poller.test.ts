import type { DispatchMessage } from "@wastecompute/contracts";
import { describe, expect, it } from "vitest";
import { MemoryQueue } from "../test/support/memory-queue.js";
import {
  FAST_POLL_MS,
  SLOW_POLL_MS,
  QueuePoller,
  decodeDispatch,
  idlePollDelayMs,
  openQueue,
} from "./poller.js";

const job: DispatchMessage = {
  kind: "job",
  jobId: "job-7",
  attempt: 1,
  leaseToken: "lease-0123456789abcdef",
  command: "echo hi",
  env: {},
  resourceType: "cpu",
  requirements: { cpuCores: 1, memoryMb: 512, gpuCount: 0 },
  maxRuntimeSec: 60,
  networkAccess: false,
  acceptBy: "2026-12-04T12:00:00.000Z",
  gpuIndexes: [],
};
const encoded = Buffer.from(JSON.stringify(job)).toString("base64");

describe("queue poller", () => {
  it("polls fast while recently active, then slows to at most a second", () => {
    expect(idlePollDelayMs(0)).toBe(FAST_POLL_MS);
    expect(idlePollDelayMs(39)).toBe(FAST_POLL_MS);
    expect(idlePollDelayMs(40)).toBeGreaterThan(FAST_POLL_MS);
    expect(idlePollDelayMs(1000)).toBe(SLOW_POLL_MS);
  });

  it("decodes base64 JSON (the platform's encoding) and plain JSON", () => {
    expect(decodeDispatch(encoded)).toEqual(job);
    expect(decodeDispatch(JSON.stringify(job))).toEqual(job);
    expect(() => decodeDispatch("bm90IGpzb24=")).toThrow();
  });

  it("picks up a message placed on an idle queue within half a second", async () => {
    const queue = new MemoryQueue();
    const poller = new QueuePoller(queue, () => undefined);
    const placedAt = Date.now() + 300;
    setTimeout(() => queue.add(encoded), 300);
    const delivery = await poller.next(new AbortController().signal);
    expect(delivery?.message.jobId).toBe("job-7");
    expect(Date.now() - placedAt).toBeLessThan(500);
  });

  it("deletes poison messages and keeps polling", async () => {
    const queue = new MemoryQueue();
    queue.add("not a dispatch");
    queue.add(encoded);
    const logs: string[] = [];
    const delivery = await new QueuePoller(queue, (e) => logs.push(e)).next(
      new AbortController().signal,
    );
    expect(delivery?.message.attempt).toBe(1);
    expect(queue.deleted).toEqual(["m0"]);
    expect(logs).toContain("queue.poison");
  });

  it("backs off on queue errors instead of spinning", async () => {
    const queue = new MemoryQueue();
    queue.failNext = 3;
    queue.add(encoded);
    const started = Date.now();
    const delivery = await new QueuePoller(queue, () => undefined).next(
      new AbortController().signal,
    );
    expect(delivery).toBeDefined();
    expect(queue.receives).toBe(4);
    expect(Date.now() - started).toBeGreaterThan(500);
  });

  it("holds a message's visibility while its job runs, then deletes it with the latest pop receipt", async () => {
    const queue = new MemoryQueue();
    queue.add(encoded);
    const poller = new QueuePoller(queue, () => undefined, 0.3);
    const delivery = await poller.next(new AbortController().signal);
    delivery?.hold();
    await new Promise((r) => setTimeout(r, 450));
    expect(queue.updates).toBeGreaterThanOrEqual(2);
    const redelivered = await queue.receiveMessages({ visibilityTimeout: 1 });
    expect(redelivered.receivedMessageItems).toEqual([]);
    await delivery?.complete();
    expect(queue.deleted).toEqual(["m0"]);
  });

  it("returns undefined promptly when asked to stop", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    expect(
      await new QueuePoller(new MemoryQueue(), () => undefined).next(ac.signal),
    ).toBeUndefined();
  });

  it("refuses proxy mode with a clear error", () => {
    expect(() =>
      openQueue({ queueName: "node-x", mode: "proxy", expiresAt: "2026-12-04T12:00:00Z" }),
    ).toThrow(/not supported/);
  });
});
