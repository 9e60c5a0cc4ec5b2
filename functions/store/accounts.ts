// Accounts repository (container `accounts`, partition key /id).
import type { AccountDoc } from "../domain/model.js";
import { container } from "./containers.js";
import { readDoc, updateDoc, withoutSystemFields, type Mutation } from "./optimistic.js";

export async function createAccount(account: AccountDoc): Promise<AccountDoc> {
  await container("accounts").items.create(account);
  return account;
}

export async function getAccount(id: string): Promise<AccountDoc | undefined> {
  const doc = await readDoc<AccountDoc>(container("accounts"), id, id);
  return doc === undefined || !("roles" in doc) ? undefined : withoutSystemFields(doc);
}

export async function updateAccount(
  id: string,
  mutate: Mutation<AccountDoc>,
): Promise<AccountDoc | undefined> {
  const doc = await updateDoc<AccountDoc>(container("accounts"), id, id, mutate);
  return doc === undefined ? undefined : withoutSystemFields(doc);
}

/** Accounts flagged for the research discount, by id (settlement asks about one buyer at a time). */
export async function isResearchAccount(id: string): Promise<boolean> {
  return (await getAccount(id))?.research ?? false;
}
