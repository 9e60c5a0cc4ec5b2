// Idempotency records (container `idempotency`, partition key /buyerId): which job a buyer's
// `Idempotency-Key` produced, and a hash of the request body it was used with.
import { createHash } from "node:crypto";
import { container } from "./containers.js";
import { isConflict } from "./cosmos-errors.js";
import { readDoc } from "./optimistic.js";

export interface IdempotencyRecord {
  id: string;
  buyerId: string;
  bodySha256: string;
  jobId: string;
  createdAt: string;
}

/** Keys are the client's free text; the id is their hash so any characters are safe. */
const recordId = (key: string): string => createHash("sha256").update(key).digest("hex");

export async function findIdempotencyRecord(
  buyerId: string,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  return readDoc<IdempotencyRecord>(container("idempotency"), recordId(key), buyerId);
}

/** Claims the key for a job; returns the existing record when another request claimed it first. */
export async function claimIdempotencyKey(
  buyerId: string,
  key: string,
  bodySha256: string,
  jobId: string,
  createdAt: string,
): Promise<IdempotencyRecord> {
  const record: IdempotencyRecord = { id: recordId(key), buyerId, bodySha256, jobId, createdAt };
  try {
    await container("idempotency").items.create(record);
    return record;
  } catch (error) {
    if (!isConflict(error)) throw error;
    const existing = await findIdempotencyRecord(buyerId, key);
    if (existing === undefined) throw error;
    return existing;
  }
}

/** Frees a key whose job was never accepted, so the client's retry with it starts afresh. */
export async function releaseIdempotencyKey(buyerId: string, key: string): Promise<void> {
  await container("idempotency").item(recordId(key), buyerId).delete();
}
