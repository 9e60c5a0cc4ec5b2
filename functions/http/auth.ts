// Who is calling: API keys (accounts with roles), node tokens (one node) and lease tokens (one
// job attempt on that node). Secrets arrive as `Authorization: Bearer`, are hashed, and are
// looked up by hash; nothing here logs them.
import type { HttpRequest } from "@azure/functions";
import {
  API_KEY_PREFIX,
  LEASE_HEADER,
  NODE_TOKEN_PREFIX,
  type Role,
} from "@wastecompute/contracts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
} from "../domain/errors.js";
import type { AccountDoc, JobDoc, NodeDoc } from "../domain/model.js";
import { getAccount } from "../store/accounts.js";
import { findCredential } from "../store/credentials.js";
import { findJobById } from "../store/jobs.js";
import { getNode } from "../store/nodes.js";
import { sameDigest, sha256Hex } from "./secrets.js";

/** Who may call an endpoint. */
export type Access =
  | { kind: "public" }
  /** An API key of an account holding at least one of these roles. */
  | { kind: "roles"; roles: readonly Role[] }
  /** A node token; when the route has `{id}` it must be that node's. */
  | { kind: "node" }
  /** A node token plus the `x-wc-lease` of the job `{id}`'s current attempt on that node. */
  | { kind: "lease" };

export interface AccountCaller {
  account: AccountDoc;
  keyId: string;
}

export interface NodeCaller {
  node: NodeDoc;
}

export interface LeaseCaller extends NodeCaller {
  job: JobDoc;
}

export type CallerFor<A extends Access> = A extends { kind: "roles" }
  ? AccountCaller
  : A extends { kind: "node" }
    ? NodeCaller
    : A extends { kind: "lease" }
      ? LeaseCaller
      : undefined;

function bearer(request: HttpRequest): string {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null)
    throw new UnauthorizedError("Send your key as `Authorization: Bearer <key>`.");
  return match[1]!;
}

export function hasAnyRole(account: AccountDoc, roles: readonly Role[]): boolean {
  return account.roles.some((role) => roles.includes(role));
}

export async function authenticateAccount(request: HttpRequest): Promise<AccountCaller> {
  const secret = bearer(request);
  if (!secret.startsWith(API_KEY_PREFIX))
    throw new UnauthorizedError("This endpoint takes an account API key.");
  const hash = sha256Hex(secret);
  const credential = await findCredential(hash);
  if (
    credential === undefined ||
    credential.kind !== "apiKey" ||
    credential.revokedAt !== undefined
  ) {
    throw new UnauthorizedError("The API key is not valid.");
  }
  const account = await getAccount(credential.accountId);
  const key = account?.apiKeys.find((k) => k.id === credential.keyId);
  if (
    account === undefined ||
    key === undefined ||
    key.revokedAt !== undefined ||
    !sameDigest(key.sha256, hash)
  ) {
    throw new UnauthorizedError("The API key is not valid.");
  }
  return { account, keyId: key.id };
}

export async function authenticateNode(request: HttpRequest): Promise<NodeCaller> {
  const secret = bearer(request);
  if (!secret.startsWith(NODE_TOKEN_PREFIX))
    throw new UnauthorizedError("This endpoint takes a node token.");
  const hash = sha256Hex(secret);
  const credential = await findCredential(hash);
  if (
    credential === undefined ||
    credential.kind !== "nodeToken" ||
    credential.revokedAt !== undefined
  ) {
    throw new UnauthorizedError("The node token is not valid.");
  }
  const node = await getNode(credential.sellerId, credential.nodeId);
  if (node === undefined || !sameDigest(node.tokenHash, hash))
    throw new UnauthorizedError("The node token is not valid.");
  return { node };
}

/**
 * The job `jobId` as seen by `node` holding `lease`: 404 when the node never had the job (its
 * existence is not revealed), 409 when the lease is not the current attempt's on this node.
 */
export async function authorizeLease(
  node: NodeDoc,
  jobId: string,
  lease: string | null,
): Promise<LeaseCaller> {
  const job = await findJobById(jobId);
  const everHere =
    job !== undefined &&
    (job.attempts.some((a) => a.nodeId === node.id) || job.assignment?.nodeId === node.id);
  if (job === undefined || !everHere)
    throw new NotFoundError(`No job ${jobId} was placed on this node.`);
  if (lease === null || lease === "")
    throw new UnauthorizedError(`Send the job's lease token in the ${LEASE_HEADER} header.`);
  const current = job.assignment;
  if (
    current === null ||
    current.nodeId !== node.id ||
    !sameDigest(current.leaseToken, sha256Hex(lease))
  ) {
    throw new ConflictError(
      "The lease is stale: the job is no longer assigned to this node under this lease.",
    );
  }
  return { node, job };
}

/** Resolves the caller an endpoint's access rule asks for, or throws 401/403/404/409. */
export async function authorize(
  access: Access,
  request: HttpRequest,
  params: Record<string, string>,
): Promise<AccountCaller | NodeCaller | LeaseCaller | undefined> {
  switch (access.kind) {
    case "public":
      return undefined;
    case "roles": {
      const caller = await authenticateAccount(request);
      if (!hasAnyRole(caller.account, access.roles)) {
        throw new ForbiddenError(`This endpoint is for ${access.roles.join(" or ")} accounts.`);
      }
      return caller;
    }
    case "node": {
      const caller = await authenticateNode(request);
      if (params.id !== undefined && params.id !== caller.node.id)
        throw new ForbiddenError("The node token belongs to another node.");
      return caller;
    }
    case "lease": {
      const { node } = await authenticateNode(request);
      const jobId = params.id;
      if (jobId === undefined) throw new NotFoundError("No job in the path.");
      return authorizeLease(node, jobId, request.headers.get(LEASE_HEADER));
    }
  }
}
