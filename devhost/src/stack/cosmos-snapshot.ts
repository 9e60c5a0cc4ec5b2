// Serialises and restores the in-memory store of @vercel/cosmosdb-server (databases →
// collections → documents). The server keeps each level in an `Items` object: a Map from _rid to
// an item whose read() gives the stored resource, plus a counter used to mint the next _rid.
// Restoring through `_set` keeps every _rid, _etag and _ts exactly as they were.
import { z } from "zod";

export interface StoreItem {
  read(): unknown;
}

export interface StoreItems<I extends StoreItem> {
  _data: Map<string, I>;
  _index: Map<string, string>;
  _ridCount: number;
  _set(resource: Record<string, unknown>): unknown;
}

export interface StoreCollection extends StoreItem {
  documents: StoreItems<StoreItem>;
}

export interface StoreDatabase extends StoreItem {
  collections: StoreItems<StoreCollection>;
}

/** The account object the server creates when it starts listening. */
export interface CosmosStore extends StoreItem {
  databases: StoreItems<StoreDatabase>;
}

const resourceSchema = z.looseObject({ id: z.string(), _rid: z.string() });
type Resource = z.infer<typeof resourceSchema>;

const collectionSnapshot = z.object({
  resource: resourceSchema,
  documentRidCount: z.number().int().nonnegative(),
  documents: z.array(resourceSchema),
});

const databaseSnapshot = z.object({
  resource: resourceSchema,
  collectionRidCount: z.number().int().nonnegative(),
  collections: z.array(collectionSnapshot),
});

export const SNAPSHOT_FORMAT = "devhost-cosmos-snapshot/1";

const snapshotSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  savedAt: z.string(),
  databaseRidCount: z.number().int().nonnegative(),
  databases: z.array(databaseSnapshot),
});

export type CosmosSnapshot = z.infer<typeof snapshotSchema>;

function resources<I extends StoreItem>(
  items: StoreItems<I>,
): Array<{ item: I; resource: Resource }> {
  return [...items._data.values()].map((item) => ({
    item,
    resource: resourceSchema.parse(item.read()),
  }));
}

export function takeSnapshot(store: CosmosStore, now: Date): CosmosSnapshot {
  return {
    format: SNAPSHOT_FORMAT,
    savedAt: now.toISOString(),
    databaseRidCount: store.databases._ridCount,
    databases: resources(store.databases).map(({ item: database, resource }) => ({
      resource,
      collectionRidCount: database.collections._ridCount,
      collections: resources(database.collections).map(
        ({ item: collection, resource: collectionResource }) => ({
          resource: collectionResource,
          documentRidCount: collection.documents._ridCount,
          documents: resources(collection.documents).map(({ resource: document }) => document),
        }),
      ),
    })),
  };
}

/** Parses snapshot JSON text; throws with a short reason when it is not a valid snapshot. */
export function parseSnapshot(text: string): CosmosSnapshot {
  const result = snapshotSchema.safeParse(JSON.parse(text));
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`${issue.path.join(".") || "snapshot"}: ${issue.message}`);
  }
  return result.data;
}

function added<I extends StoreItem>(items: StoreItems<I>, resource: Resource): I {
  items._set(resource);
  const item = items._data.get(resource._rid);
  if (item === undefined) throw new Error(`resource ${resource.id} was not stored`);
  return item;
}

export function clearStore(store: CosmosStore): void {
  store.databases._data.clear();
  store.databases._index.clear();
  store.databases._ridCount = 0;
}

/** Loads a snapshot into an empty store; on failure the store is left empty and the error rethrown. */
export function restoreSnapshot(store: CosmosStore, snapshot: CosmosSnapshot): void {
  try {
    for (const databaseEntry of snapshot.databases) {
      const database = added(store.databases, databaseEntry.resource);
      for (const collectionEntry of databaseEntry.collections) {
        const collection = added(database.collections, collectionEntry.resource);
        for (const document of collectionEntry.documents) added(collection.documents, document);
        collection.documents._ridCount = collectionEntry.documentRidCount;
      }
      database.collections._ridCount = databaseEntry.collectionRidCount;
    }
    store.databases._ridCount = snapshot.databaseRidCount;
  } catch (error) {
    clearStore(store);
    throw error;
  }
}
