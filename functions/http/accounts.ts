// Accounts and API keys: admins create accounts and keys (each key shown once) and revoke keys;
// anyone with a key asks who they are.
import {
  AccountSchema,
  API_KEY_PREFIX,
  ApiKeyInfoSchema,
  CreateAccountRequestSchema,
  CreatedApiKeySchema,
  WhoAmISchema,
  type Account,
  type CreateAccountRequest,
} from "@wastecompute/contracts";
import { z } from "zod";
import { NotFoundError } from "../domain/errors.js";
import type { AccountDoc, ApiKeyRecord } from "../domain/model.js";
import { createAccount, getAccount, updateAccount } from "../store/accounts.js";
import { revokeCredential, saveCredential } from "../store/credentials.js";
import { endpoint, json } from "./endpoint.js";
import { displayPrefix, mintSecret, newId, sha256Hex } from "./secrets.js";

const ADMIN = { kind: "roles", roles: ["admin"] } as const;

export interface IssuedKey {
  record: ApiKeyRecord;
  apiKey: string;
}

export function accountView(account: AccountDoc): Account {
  return {
    id: account.id,
    name: account.name,
    email: account.email,
    roles: account.roles,
    research: account.research,
    createdAt: account.createdAt,
  };
}

function keyView(record: ApiKeyRecord): z.infer<typeof ApiKeyInfoSchema> {
  return {
    id: record.id,
    prefix: record.prefix,
    createdAt: record.createdAt,
    ...(record.revokedAt === undefined ? {} : { revokedAt: record.revokedAt }),
  };
}

function mintKey(now: Date): IssuedKey {
  const apiKey = mintSecret(API_KEY_PREFIX);
  return {
    apiKey,
    record: {
      id: newId("key"),
      prefix: displayPrefix(apiKey),
      sha256: sha256Hex(apiKey),
      createdAt: now.toISOString(),
    },
  };
}

/** Creates an account with one API key; the key is returned here and never again. */
export async function createAccountWithKey(
  request: CreateAccountRequest,
  id = newId("acct"),
): Promise<{ account: AccountDoc; apiKey: string; keyId: string }> {
  const now = new Date();
  const key = mintKey(now);
  const account: AccountDoc = {
    id,
    name: request.name,
    email: request.email,
    roles: [...new Set(request.roles)],
    research: request.research,
    apiKeys: [key.record],
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await saveCredential(
    key.record.sha256,
    { kind: "apiKey", accountId: id, keyId: key.record.id },
    now.toISOString(),
  );
  await createAccount(account);
  return { account, apiKey: key.apiKey, keyId: key.record.id };
}

/** Adds a key to an account; undefined when there is no such account. */
export async function addApiKey(accountId: string): Promise<IssuedKey | undefined> {
  const now = new Date();
  const key = mintKey(now);
  await saveCredential(
    key.record.sha256,
    { kind: "apiKey", accountId, keyId: key.record.id },
    now.toISOString(),
  );
  const updated = await updateAccount(accountId, (account) => ({
    ...account,
    apiKeys: [...account.apiKeys, key.record],
    updatedAt: now.toISOString(),
  }));
  if (updated === undefined) {
    await revokeCredential(key.record.sha256, now.toISOString());
    return undefined;
  }
  return key;
}

export const accountEndpoints = [
  endpoint({
    name: "createAccount",
    method: "POST",
    route: "accounts",
    tag: "accounts",
    summary: "Create an account with roles; answers its first API key, shown this once.",
    access: ADMIN,
    body: CreateAccountRequestSchema,
    response: z.object({ account: AccountSchema, key: CreatedApiKeySchema }),
    successStatus: 201,
    async handle({ body, context }) {
      const { account, apiKey } = await createAccountWithKey(body);
      context.info("account created", { accountId: account.id, roles: account.roles });
      return json(
        { account: accountView(account), key: { ...keyView(account.apiKeys[0]!), apiKey } },
        201,
      );
    },
  }),
  endpoint({
    name: "createApiKey",
    method: "POST",
    route: "accounts/{id}/keys",
    tag: "accounts",
    summary: "Issue another API key for an account (shown this once).",
    access: ADMIN,
    response: CreatedApiKeySchema,
    successStatus: 201,
    async handle({ params, context }) {
      const issued = await addApiKey(params.id ?? "");
      if (issued === undefined) throw new NotFoundError(`No account ${params.id}.`);
      context.info("api key issued", { accountId: params.id, keyId: issued.record.id });
      return json({ ...keyView(issued.record), apiKey: issued.apiKey }, 201);
    },
  }),
  endpoint({
    name: "revokeApiKey",
    method: "DELETE",
    route: "accounts/{id}/keys/{keyId}",
    tag: "accounts",
    summary: "Revoke an API key; it stops working at once. Revoking twice is harmless.",
    access: ADMIN,
    response: ApiKeyInfoSchema,
    async handle({ params, context }) {
      const account = await getAccount(params.id ?? "");
      const key = account?.apiKeys.find((k) => k.id === params.keyId);
      if (account === undefined || key === undefined)
        throw new NotFoundError("No such account key.");
      const at = new Date().toISOString();
      await revokeCredential(key.sha256, at);
      const updated = await updateAccount(account.id, (current) => ({
        ...current,
        apiKeys: current.apiKeys.map((k) =>
          k.id === key.id && k.revokedAt === undefined ? { ...k, revokedAt: at } : k,
        ),
        updatedAt: at,
      }));
      context.info("api key revoked", { accountId: account.id, keyId: key.id });
      return json(keyView(updated?.apiKeys.find((k) => k.id === key.id) ?? key));
    },
  }),
  endpoint({
    name: "whoAmI",
    method: "GET",
    route: "me",
    tag: "accounts",
    summary: "The account the API key belongs to, and the key's id.",
    access: { kind: "roles", roles: ["buyer", "seller", "admin"] },
    response: WhoAmISchema,
    async handle({ caller }) {
      return json({ ...accountView(caller.account), keyId: caller.keyId });
    },
  }),
];
