// Ledger repository (container `ledger`, partition key /accountId). Entries are immutable: an
// entry id already present means the entry was written before, which is the point.
import type { LedgerEntry } from "../domain/model.js";
import { container } from "./containers.js";
import { isConflict } from "./cosmos-errors.js";
import { withoutSystemFields } from "./optimistic.js";

/** Writes the entry unless one with its id exists; true when this call wrote it. */
export async function writeLedgerEntryOnce(entry: LedgerEntry): Promise<boolean> {
  try {
    await container("ledger").items.create(entry);
    return true;
  } catch (error) {
    if (isConflict(error)) return false;
    throw error;
  }
}

/** An account's entries, oldest first; one month when `month` (YYYY-MM) is given. */
export async function listLedgerEntries(accountId: string, month?: string): Promise<LedgerEntry[]> {
  const monthFilter = month === undefined ? "" : " AND c.month = @month";
  const { resources } = await container("ledger")
    .items.query<LedgerEntry>(
      {
        query: `SELECT * FROM c WHERE c.accountId = @accountId${monthFilter} ORDER BY c.createdAt ASC`,
        parameters: [
          { name: "@accountId", value: accountId },
          ...(month === undefined ? [] : [{ name: "@month", value: month }]),
        ],
      },
      { partitionKey: accountId },
    )
    .fetchAll();
  return resources.map((doc) => withoutSystemFields(doc));
}

/** Entries of one job across every account (tests and audits: billed exactly once?). */
export async function listJobLedgerEntries(jobId: string): Promise<LedgerEntry[]> {
  const { resources } = await container("ledger")
    .items.query<LedgerEntry>({
      query: "SELECT * FROM c WHERE c.jobId = @jobId",
      parameters: [{ name: "@jobId", value: jobId }],
    })
    .fetchAll();
  return resources.map((doc) => withoutSystemFields(doc));
}
