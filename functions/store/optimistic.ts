// Read-modify-write of one document under optimistic concurrency (`_etag` + IfMatch), retried
// when another writer got there first.
import type { Container, ItemDefinition } from "@azure/cosmos";
import { isNotFound, isPreconditionFailed } from "./cosmos-errors.js";

const MAX_TRIES = 20;

/** What a mutation decides: the new document, or `undefined` to leave the stored one as it is. */
export type Mutation<T> = (current: T) => T | undefined;

/** Reads a document; undefined when it does not exist. */
export async function readDoc<T>(
  c: Container,
  id: string,
  partitionKey: string,
): Promise<(T & { _etag?: string }) | undefined> {
  try {
    const { resource } = await c.item(id, partitionKey).read<T & { _etag?: string }>();
    return resource ?? undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Applies `mutate` to the stored document and replaces it if nobody changed it meanwhile;
 * on a 412 it reads again and retries. Returns the stored result, or undefined when the document
 * does not exist.
 */
export async function updateDoc<T extends { id: string }>(
  c: Container,
  id: string,
  partitionKey: string,
  mutate: Mutation<T>,
): Promise<T | undefined> {
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const current = await readDoc<T>(c, id, partitionKey);
    if (current === undefined) return undefined;
    const etag = current._etag;
    const next = mutate(structuredClone(current));
    if (next === undefined) return current;
    try {
      const { resource } = await c
        .item(id, partitionKey)
        // Our document interfaces lack ItemDefinition's index signature; the shape is the same JSON.
        .replace(
          next as unknown as ItemDefinition,
          etag === undefined ? {} : { accessCondition: { type: "IfMatch", condition: etag } },
        );
      return (resource as T | undefined) ?? next;
    } catch (error) {
      if (isPreconditionFailed(error)) continue;
      throw error;
    }
  }
  throw new Error(`document ${id} kept changing under ${MAX_TRIES} concurrent updates`);
}

/** Strips Cosmos system properties so a document can be returned or compared as plain data. */
export function withoutSystemFields<T extends object>(doc: T): T {
  const copy: Record<string, unknown> = { ...(doc as Record<string, unknown>) };
  for (const key of ["_rid", "_self", "_etag", "_attachments", "_ts"]) delete copy[key];
  return copy as T;
}
