// Job output: one append blob per job, `logs/<jobId>.log`, written in agent-supplied byte order.
import { blobContainer, storageStatus } from "./blob-container.js";

const logsContainer = () => blobContainer("logs");

const blobName = (jobId: string): string => `${jobId}.log`;

/** What happened to a chunk: written, already there (duplicate), or ahead of the stored bytes. */
export type AppendOutcome =
  | { kind: "appended"; storedBytes: number }
  | { kind: "duplicate"; storedBytes: number }
  | { kind: "gap"; storedBytes: number }
  | { kind: "mismatch"; storedBytes: number };

export async function logLength(jobId: string): Promise<number> {
  const blob = (await logsContainer()).getAppendBlobClient(blobName(jobId));
  try {
    return (await blob.getProperties()).contentLength ?? 0;
  } catch (error) {
    if (storageStatus(error) === 404) return 0;
    throw error;
  }
}

/** Reads `[offset, offset + limit)` of a job's log; empty when there is nothing there yet. */
export async function readLog(jobId: string, offset: number, limit: number): Promise<Buffer> {
  const length = await logLength(jobId);
  if (offset >= length) return Buffer.alloc(0);
  const blob = (await logsContainer()).getAppendBlobClient(blobName(jobId));
  return blob.downloadToBuffer(offset, Math.min(limit, length - offset));
}

/**
 * Appends `data` found at byte `offset` of the job's output. A chunk wholly inside the stored bytes
 * with the same content is a duplicate (acknowledged, nothing written); one starting past the end
 * is a gap the agent must fill first; an overlap writes only the new tail. The append is
 * conditional on the blob's length, so two racing writers can't interleave.
 */
export async function appendLog(
  jobId: string,
  offset: number,
  data: Buffer,
): Promise<AppendOutcome> {
  const blob = (await logsContainer()).getAppendBlobClient(blobName(jobId));
  await blob.createIfNotExists();
  for (;;) {
    const stored = await logLength(jobId);
    if (offset > stored) return { kind: "gap", storedBytes: stored };
    const overlap = Math.min(stored - offset, data.length);
    if (overlap > 0) {
      const existing = await blob.downloadToBuffer(offset, overlap);
      if (!existing.equals(data.subarray(0, overlap)))
        return { kind: "mismatch", storedBytes: stored };
    }
    const tail = data.subarray(overlap);
    if (tail.length === 0) return { kind: "duplicate", storedBytes: stored };
    try {
      await blob.appendBlock(tail, tail.length, { conditions: { appendPosition: stored } });
      return { kind: "appended", storedBytes: stored + tail.length };
    } catch (error) {
      // 412: someone appended meanwhile; look again.
      if (storageStatus(error) !== 412) throw error;
    }
  }
}
