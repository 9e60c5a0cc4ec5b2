// Minting and hashing of the platform's bearer secrets and ids. Secrets are random, shown once,
// and stored only as SHA-256 hashes.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** `prefix` + 32 random bytes, base64url: e.g. `wc_Vn3…`. */
export function mintSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

export function sha256Hex(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Compares two hex digests without leaking where they differ. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/** The characters of a secret safe to show later so its owner can recognise it. */
export function displayPrefix(secret: string): string {
  return secret.slice(0, 10);
}

/**
 * A new id: `prefix` + 20 lowercase hex characters. Lowercase so node ids fit queue names
 * (`node-<id>`), and URL-safe because the Durable client does not encode instance ids.
 */
export function newId(prefix: string): string {
  return `${prefix}${randomBytes(10).toString("hex")}`;
}
