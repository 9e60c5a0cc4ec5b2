// Carbon repository (container `carbon`, partition key /buyerId; id = job id).
import type { CarbonRecord } from "../domain/model.js";
import { container } from "./containers.js";
import { isConflict } from "./cosmos-errors.js";
import { withoutSystemFields } from "./optimistic.js";

/** Writes the job's record unless it exists; true when this call wrote it. */
export async function writeCarbonRecordOnce(record: CarbonRecord): Promise<boolean> {
  try {
    await container("carbon").items.create(record);
    return true;
  } catch (error) {
    if (isConflict(error)) return false;
    throw error;
  }
}

export async function listCarbonRecords(buyerId: string): Promise<CarbonRecord[]> {
  const { resources } = await container("carbon")
    .items.query<CarbonRecord>(
      {
        query: "SELECT * FROM c WHERE c.buyerId = @buyerId ORDER BY c.createdAt ASC",
        parameters: [{ name: "@buyerId", value: buyerId }],
      },
      { partitionKey: buyerId },
    )
    .fetchAll();
  return resources.map((doc) => withoutSystemFields(doc));
}

/** Grams of CO2e avoided across the marketplace (landing page). */
export async function totalAvoidedGrams(): Promise<number> {
  const { resources } = await container("carbon")
    .items.query<number>("SELECT VALUE SUM(c.avoidedGrams) FROM c")
    .fetchAll();
  return resources.reduce((sum, n) => sum + (typeof n === "number" ? n : 0), 0);
}
