// Jobs repository (container `jobs`, partition key /buyerId).
import type { SqlParameter } from "@azure/cosmos";
import type { JobDoc, JobStatus } from "../domain/model.js";
import { container } from "./containers.js";
import { readDoc, updateDoc, withoutSystemFields, type Mutation } from "./optimistic.js";

export interface JobPage {
  items: JobDoc[];
  continuationToken?: string;
}

export interface JobListOptions {
  statuses?: readonly JobStatus[];
  limit: number;
  continuationToken?: string;
}

export async function createJob(job: JobDoc): Promise<JobDoc> {
  await container("jobs").items.create(job);
  return job;
}

/** Removes a job that was never accepted (its lifecycle could not be started). */
export async function deleteJob(buyerId: string, id: string): Promise<void> {
  await container("jobs").item(id, buyerId).delete();
}

export async function getJob(buyerId: string, id: string): Promise<JobDoc | undefined> {
  const doc = await readDoc<JobDoc>(container("jobs"), id, buyerId);
  return doc === undefined ? undefined : withoutSystemFields(doc);
}

/** Looks a job up by id alone (agent calls know only the id): a cross-partition query. */
export async function findJobById(id: string): Promise<JobDoc | undefined> {
  const { resources } = await container("jobs")
    .items.query<JobDoc>({
      query: "SELECT * FROM c WHERE c.id = @id",
      parameters: [{ name: "@id", value: id }],
    })
    .fetchAll();
  const doc = resources[0];
  return doc === undefined ? undefined : withoutSystemFields(doc);
}

export async function updateJob(
  buyerId: string,
  id: string,
  mutate: Mutation<JobDoc>,
): Promise<JobDoc | undefined> {
  const doc = await updateDoc<JobDoc>(container("jobs"), id, buyerId, mutate);
  return doc === undefined ? undefined : withoutSystemFields(doc);
}

/** A buyer's jobs, newest first, one page at a time. */
export async function listJobs(buyerId: string, options: JobListOptions): Promise<JobPage> {
  const parameters: SqlParameter[] = [{ name: "@buyerId", value: buyerId }];
  let filter = "";
  if (options.statuses !== undefined && options.statuses.length > 0) {
    filter = " AND ARRAY_CONTAINS(@statuses, c.status)";
    parameters.push({ name: "@statuses", value: [...options.statuses] });
  }
  const iterator = container("jobs").items.query<JobDoc>(
    {
      query: `SELECT * FROM c WHERE c.buyerId = @buyerId${filter} ORDER BY c.createdAt DESC`,
      parameters,
    },
    {
      partitionKey: buyerId,
      maxItemCount: options.limit,
      ...(options.continuationToken === undefined
        ? {}
        : { continuationToken: options.continuationToken }),
    },
  );
  const page = await iterator.fetchNext();
  const items = page.resources.map((doc) => withoutSystemFields(doc));
  return page.continuationToken ? { items, continuationToken: page.continuationToken } : { items };
}

/** Jobs placed on or running on one node (the reaper's and heartbeat's question). */
export async function listJobsOnNode(nodeId: string): Promise<JobDoc[]> {
  const { resources } = await container("jobs")
    .items.query<JobDoc>({
      query:
        "SELECT * FROM c WHERE c.assignment.nodeId = @nodeId AND ARRAY_CONTAINS(@statuses, c.status)",
      parameters: [
        { name: "@nodeId", value: nodeId },
        { name: "@statuses", value: ["placed", "running"] },
      ],
    })
    .fetchAll();
  return resources.map((doc) => withoutSystemFields(doc));
}

/** Every job in a set of statuses, across buyers (marketplace numbers, admin views). */
export async function countJobs(statuses: readonly JobStatus[]): Promise<number> {
  const { resources } = await container("jobs")
    .items.query<number>({
      query: "SELECT VALUE COUNT(1) FROM c WHERE ARRAY_CONTAINS(@statuses, c.status)",
      parameters: [{ name: "@statuses", value: [...statuses] }],
    })
    .fetchAll();
  return resources.reduce((sum, n) => sum + n, 0);
}

/** A buyer's jobs created at or after `fromIso` that have reported usage (analytics). */
export async function listJobsWithUsageSince(buyerId: string, fromIso: string): Promise<JobDoc[]> {
  const { resources } = await container("jobs")
    .items.query<JobDoc>(
      {
        query:
          "SELECT * FROM c WHERE c.buyerId = @buyerId AND c.createdAt >= @from AND IS_DEFINED(c.usage)",
        parameters: [
          { name: "@buyerId", value: buyerId },
          { name: "@from", value: fromIso },
        ],
      },
      { partitionKey: buyerId },
    )
    .fetchAll();
  return resources.map((doc) => withoutSystemFields(doc));
}
