// Accounts, roles and API keys.
import { z } from "zod";
import { IdSchema, TimestampSchema } from "./common.js";

export const ROLES = ["buyer", "seller", "admin"] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** API keys look like `wc_<random>`; node tokens `wcn_<random>`; lease tokens `wcl_<random>`. */
export const API_KEY_PREFIX = "wc_";
export const NODE_TOKEN_PREFIX = "wcn_";
export const LEASE_TOKEN_PREFIX = "wcl_";

export const CreateAccountRequestSchema = z
  .object({
    name: z.string().min(1).max(128),
    email: z.email().max(254),
    roles: z.array(RoleSchema).min(1).max(3),
    research: z.boolean().default(false),
  })
  .strict();
export type CreateAccountRequest = z.infer<typeof CreateAccountRequestSchema>;

export const AccountSchema = z.object({
  id: IdSchema,
  name: z.string(),
  email: z.string(),
  roles: z.array(RoleSchema),
  research: z.boolean(),
  createdAt: TimestampSchema,
});
export type Account = z.infer<typeof AccountSchema>;

export const ApiKeyInfoSchema = z.object({
  id: IdSchema,
  /** The first characters of the key, to recognise it; the key itself is never stored. */
  prefix: z.string(),
  createdAt: TimestampSchema,
  revokedAt: TimestampSchema.optional(),
});

/** Returned once, at creation: the only time the secret is visible. */
export const CreatedApiKeySchema = ApiKeyInfoSchema.extend({ apiKey: z.string() });

/** `GET /api/me`: who the key belongs to (the dashboard adapts its views to the roles). */
export const WhoAmISchema = AccountSchema.extend({ keyId: IdSchema });
