import type { LogChunkRequest } from "@wastecompute/contracts";
import { describe, expect, it } from "vitest";
import { LogStreamer, truncationNote } from "./log-streamer.js";

/** A log store that behaves like the API: idempotent by offset, reports its length on a gap. */
class FakeLogStore {
  stored = Buffer.alloc(0);
  calls: Array<{ seq: number; offset: number; bytes: number; at: number }> = [];
  /** Per call: "ok", "fail" (request lost), "lost-reply" (stored, but the reply is lost). */
  script: Array<"ok" | "fail" | "lost-reply"> = [];
  upload = async (chunk: LogChunkRequest): Promise<number> => {
    const data = Buffer.from(chunk.data, "base64");
    this.calls.push({ seq: chunk.seq, offset: chunk.offset, bytes: data.length, at: Date.now() });
    const mode = this.script.shift() ?? "ok";
    if (mode === "fail") throw new Error("HTTP 503");
    if (chunk.offset <= this.stored.length) {
      const fresh = data.subarray(this.stored.length - chunk.offset);
      this.stored = Buffer.concat([this.stored, fresh]);
    }
    if (mode === "lost-reply") throw new Error("socket hang up");
    return this.stored.length;
  };
}

const fast = { initialMs: 1, maxMs: 5, factor: 2, jitter: 0 };

describe("log streamer", () => {
  it("delivers output in order with contiguous offsets and increasing sequence numbers", async () => {
    const store = new FakeLogStore();
    const streamer = new LogStreamer({
      upload: store.upload,
      capBytes: 1 << 20,
      chunkBytes: 10,
      flushIntervalMs: 5,
    });
    const expected: string[] = [];
    for (let i = 0; i < 20; i++) {
      const line = `line ${i}\n`;
      expected.push(line);
      await streamer.write(Buffer.from(line));
    }
    const summary = await streamer.close();
    expect(store.stored.toString()).toBe(expected.join(""));
    expect(summary).toMatchObject({
      logBytes: store.stored.length,
      truncated: false,
      delivered: true,
    });
    let offset = 0;
    store.calls.forEach((call, i) => {
      expect(call.offset).toBe(offset);
      expect(call.seq).toBe(i);
      expect(call.bytes).toBeLessThanOrEqual(10);
      offset += call.bytes;
    });
  });

  it("retries failed uploads with the same seq and offset, and never duplicates a chunk whose reply was lost", async () => {
    const store = new FakeLogStore();
    store.script = ["fail", "lost-reply", "ok", "fail", "ok"];
    const retries: unknown[] = [];
    const streamer = new LogStreamer({
      upload: store.upload,
      capBytes: 1000,
      chunkBytes: 4,
      flushIntervalMs: 1,
      backoff: fast,
      onRetry: (e) => retries.push(e),
    });
    await streamer.write(Buffer.from("abcdefghij"));
    const summary = await streamer.close();
    expect(store.stored.toString()).toBe("abcdefghij");
    expect(summary.delivered).toBe(true);
    expect(retries).toHaveLength(3);
    expect(store.calls.slice(0, 5).map((c) => [c.seq, c.offset])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
      [1, 4],
      [1, 4],
    ]);
  });

  it("caps the output, appends one truncation note and counts what it discarded", async () => {
    const store = new FakeLogStore();
    const streamer = new LogStreamer({ upload: store.upload, capBytes: 8, flushIntervalMs: 1 });
    await streamer.write(Buffer.from("12345"));
    await streamer.write(Buffer.from("67890"));
    await streamer.write(Buffer.from("more"));
    const summary = await streamer.close();
    const note = Buffer.from(truncationNote(8)).toString();
    expect(store.stored.toString()).toBe(`12345678${note}`);
    expect(summary).toMatchObject({
      truncated: true,
      discardedBytes: 6,
      logBytes: 8 + note.length,
      delivered: true,
    });
  });

  it("batches small writes: at most about four requests a second", async () => {
    const store = new FakeLogStore();
    const streamer = new LogStreamer({ upload: store.upload, capBytes: 1 << 20 });
    const started = Date.now();
    while (Date.now() - started < 1000) {
      await streamer.write(Buffer.from("tick\n"));
      await new Promise((r) => setTimeout(r, 5));
    }
    await streamer.close();
    expect(store.calls.length).toBeLessThanOrEqual(6);
    expect(store.calls.length).toBeGreaterThanOrEqual(3);
  });

  it("stops on a fatal error (lease refused) and reports it instead of retrying forever", async () => {
    const refused = new Error("409 lease is stale");
    const streamer = new LogStreamer({
      upload: () => Promise.reject(refused),
      capBytes: 100,
      flushIntervalMs: 1,
      isFatal: (e) => e === refused,
    });
    await streamer.write(Buffer.from("x"));
    const summary = await streamer.close();
    expect(summary.delivered).toBe(false);
    expect(summary.fatalError).toBe(refused);
  });

  it("gives up at the close deadline while the API stays down", async () => {
    const streamer = new LogStreamer({
      upload: () => Promise.reject(new Error("down")),
      capBytes: 100,
      flushIntervalMs: 1,
      backoff: fast,
    });
    await streamer.write(Buffer.from("x"));
    const started = Date.now();
    const summary = await streamer.close(100);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(summary.delivered).toBe(false);
  });

  it("applies back-pressure while the backlog is above the high-water mark", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const store = new FakeLogStore();
    const streamer = new LogStreamer({
      upload: async (c) => {
        await gate;
        return store.upload(c);
      },
      capBytes: 1 << 20,
      chunkBytes: 4,
      highWaterBytes: 8,
      flushIntervalMs: 1,
    });
    let resolved = false;
    const write = streamer.write(Buffer.from("0123456789")).then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(resolved).toBe(false);
    release();
    await write;
    await streamer.close();
    expect(store.stored.toString()).toBe("0123456789");
  });
});
