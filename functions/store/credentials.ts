// Index from a secret's SHA-256 hash to what it unlocks (an account's API key or a node's token),
// so every authenticated request is a single point read. Stored in the `accounts` container,
// marked `docType: "credential"`; the secret itself is never stored.
import { container } from "./containers.js";
import { isConflict } from "./cosmos-errors.js";
import { readDoc, updateDoc } from "./optimistic.js";

export type CredentialTarget =
  | { kind: "apiKey"; accountId: string; keyId: string }
  | { kind: "nodeToken"; nodeId: string; sellerId: string };

export type CredentialDoc = CredentialTarget & {
  id: string;
  docType: "credential";
  createdAt: string;
  revokedAt?: string;
};

const credentialId = (sha256: string): string => `cred-${sha256}`;

export async function saveCredential(
  sha256: string,
  target: CredentialTarget,
  createdAt: string,
): Promise<void> {
  const doc: CredentialDoc = {
    ...target,
    id: credentialId(sha256),
    docType: "credential",
    createdAt,
  };
  try {
    await container("accounts").items.create(doc);
  } catch (error) {
    // The same hash twice means the same secret: the index already says what it unlocks.
    if (!isConflict(error)) throw error;
  }
}

export async function findCredential(sha256: string): Promise<CredentialDoc | undefined> {
  const id = credentialId(sha256);
  return readDoc<CredentialDoc>(container("accounts"), id, id);
}

export async function revokeCredential(sha256: string, revokedAt: string): Promise<void> {
  const id = credentialId(sha256);
  await updateDoc<CredentialDoc>(container("accounts"), id, id, (doc) =>
    doc.revokedAt === undefined ? { ...doc, revokedAt } : undefined,
  );
}
