// Streams a job's merged output to the platform: ordered chunks with a sequence number and byte
// offset, sent at most ~4 times a second (full chunks go at once), retried with back-off, capped
// in size. The upload callback is injected, so ordering and retries are testable without HTTP.
import { MAX_LOG_CHUNK_BYTES, type LogChunkRequest } from "@wastecompute/contracts";
import { Backoff, sleep, type BackoffOptions } from "./backoff.js";

/** Partial chunks wait this long so a chatty job costs at most ~4 requests a second. */
export const LOG_FLUSH_INTERVAL_MS = 250;
/** `write` waits (back-pressure on the job's pipe) while this much output is unsent. */
export const LOG_HIGH_WATER_BYTES = 8 * 1024 * 1024;
export const LOG_UPLOAD_BACKOFF: BackoffOptions = {
  initialMs: 250,
  maxMs: 10_000,
  factor: 2,
  jitter: 0.3,
};

/**
 * Sends one chunk; resolves with the stored log length afterwards (on success, or from a 409 that
 * reports a gap). Throws to have the chunk retried, or an error `isFatal` accepts to stop streaming.
 */
export type UploadChunk = (chunk: LogChunkRequest) => Promise<number>;

export interface LogStreamerOptions {
  upload: UploadChunk;
  capBytes: number;
  chunkBytes?: number;
  flushIntervalMs?: number;
  highWaterBytes?: number;
  backoff?: BackoffOptions;
  isFatal?: (error: unknown) => boolean;
  onRetry?: (error: unknown, delayMs: number) => void;
}

/** What the stream delivered when it was closed. */
export interface LogSummary {
  /** Bytes in the job's log (output up to the cap plus the truncation note). */
  logBytes: number;
  truncated: boolean;
  discardedBytes: number;
  /** Whether the platform acknowledged every byte. */
  delivered: boolean;
  fatalError?: unknown;
}

export function truncationNote(capBytes: number): Uint8Array {
  return Buffer.from(
    `\n[wastecompute] output truncated: the job wrote more than ${capBytes} bytes; the rest was discarded\n`,
  );
}

/** One job's log stream. */
export class LogStreamer {
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Stored log length the platform confirmed; pending[0] starts here. */
  private acked = 0;
  private written = 0;
  private discarded = 0;
  private truncated = false;
  private seq = 0;
  private lastSendAt = 0;
  private closing = false;
  private fatal: { error: unknown } | undefined;
  private wake: (() => void) | undefined;
  private drained: Array<() => void> = [];
  private readonly worker: Promise<void>;
  private readonly chunkBytes: number;
  private readonly flushIntervalMs: number;
  private readonly highWaterBytes: number;
  private readonly stopSending = new AbortController();

  constructor(private readonly options: LogStreamerOptions) {
    this.chunkBytes = Math.min(options.chunkBytes ?? MAX_LOG_CHUNK_BYTES, MAX_LOG_CHUNK_BYTES);
    this.flushIntervalMs = options.flushIntervalMs ?? LOG_FLUSH_INTERVAL_MS;
    this.highWaterBytes = options.highWaterBytes ?? LOG_HIGH_WATER_BYTES;
    this.worker = this.run();
  }

  /** Appends output; resolves once the unsent backlog is below the high-water mark. */
  write(data: Uint8Array): Promise<void> {
    if (data.length === 0) return Promise.resolve();
    if (this.truncated) {
      this.discarded += data.length;
      return Promise.resolve();
    }
    const room = this.options.capBytes - this.written;
    if (data.length > room) {
      this.enqueue(Buffer.from(data.subarray(0, room)));
      this.enqueue(Buffer.from(truncationNote(this.options.capBytes)));
      this.discarded += data.length - room;
      this.truncated = true;
    } else {
      this.enqueue(Buffer.from(data));
    }
    if (this.pendingBytes < this.highWaterBytes || this.fatal) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  /** Flushes what is left (waiting at most `deadlineMs`) and reports what was delivered. */
  async close(deadlineMs = 60_000): Promise<LogSummary> {
    this.closing = true;
    this.wake?.();
    const timer = setTimeout(() => this.stopSending.abort(), deadlineMs);
    await this.worker;
    clearTimeout(timer);
    return {
      logBytes: this.written,
      truncated: this.truncated,
      discardedBytes: this.discarded,
      delivered: this.pendingBytes === 0 && this.fatal === undefined,
      fatalError: this.fatal?.error,
    };
  }

  private enqueue(buffer: Buffer): void {
    if (buffer.length === 0) return;
    this.pending.push(buffer);
    this.pendingBytes += buffer.length;
    this.written += buffer.length;
    if (this.pendingBytes >= this.chunkBytes) this.wake?.();
  }

  private async run(): Promise<void> {
    const backoff = new Backoff(this.options.backoff ?? LOG_UPLOAD_BACKOFF);
    while (!this.stopSending.signal.aborted && !this.fatal) {
      if (this.pendingBytes === 0) {
        if (this.closing) return;
        await this.sleepUntilWoken(this.flushIntervalMs);
        continue;
      }
      const sinceLast = Date.now() - this.lastSendAt;
      if (
        this.pendingBytes < this.chunkBytes &&
        !this.closing &&
        sinceLast < this.flushIntervalMs
      ) {
        await this.sleepUntilWoken(this.flushIntervalMs - sinceLast);
        continue;
      }
      const data = this.peek(this.chunkBytes);
      const offset = this.acked;
      this.lastSendAt = Date.now();
      try {
        const stored = await this.options.upload({
          seq: this.seq,
          offset,
          data: data.toString("base64"),
        });
        backoff.reset();
        this.settle(offset, data.length, stored);
      } catch (error) {
        if (this.options.isFatal?.(error)) {
          this.fatal = { error };
          break;
        }
        const delayMs = backoff.next();
        this.options.onRetry?.(error, delayMs);
        await sleep(delayMs, this.stopSending.signal);
      }
    }
    this.releaseWriters();
  }

  /** Applies the platform's stored length: drop what it has; a length behind ours is unrecoverable. */
  private settle(offset: number, length: number, stored: number): void {
    if (stored < offset) {
      this.fatal = {
        error: new Error(
          `log store lost data: it holds ${stored} bytes, ${offset} were acknowledged`,
        ),
      };
      return;
    }
    const have = Math.min(stored - offset, this.pendingBytes);
    if (have > 0) {
      this.drop(have);
      this.acked = offset + have;
      this.seq++;
    }
    if (stored === offset + length || have > 0) this.releaseWriters();
  }

  private peek(max: number): Buffer {
    const parts: Buffer[] = [];
    let size = 0;
    for (const buffer of this.pending) {
      if (size >= max) break;
      const take = buffer.subarray(0, max - size);
      parts.push(take);
      size += take.length;
    }
    return parts.length === 1 && parts[0] ? parts[0] : Buffer.concat(parts, size);
  }

  private drop(bytes: number): void {
    let left = bytes;
    while (left > 0) {
      const head = this.pending[0];
      if (!head) break;
      if (head.length <= left) {
        this.pending.shift();
        left -= head.length;
      } else {
        this.pending[0] = head.subarray(left);
        left = 0;
      }
    }
    this.pendingBytes -= bytes - left;
  }

  private releaseWriters(): void {
    if (this.pendingBytes >= this.highWaterBytes && !this.fatal && !this.stopSending.signal.aborted)
      return;
    const waiting = this.drained;
    this.drained = [];
    for (const resolve of waiting) resolve();
  }

  private sleepUntilWoken(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.stopSending.signal;
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      this.wake = done;
    });
  }
}
