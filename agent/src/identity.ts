// The Unix identity jobs run as: chosen by the seller, `nobody` by default when the agent is root.
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import type { RunAs } from "./sandbox.js";

export const DEFAULT_ROOT_RUN_AS = "nobody";

/** A passwd entry's uid and gid by name or numeric uid; undefined when unknown. */
export function lookupUser(user: string, passwd: string): RunAs | undefined {
  for (const line of passwd.split("\n")) {
    const [name, , uid, gid] = line.split(":");
    if (name === undefined || uid === undefined || gid === undefined) continue;
    if (name === user || uid === user) return { uid: Number(uid), gid: Number(gid) };
  }
  if (/^\d+$/.test(user)) return { uid: Number(user), gid: Number(user) };
  return undefined;
}

/**
 * Resolves the identity jobs run as. As root: the named user (default nobody). Not root: jobs
 * run as the agent's own user, since only root can switch; asking for another user is an error.
 */
export function resolveRunAs(
  requested: string | undefined,
  uid = process.getuid?.() ?? -1,
  passwdPath = "/etc/passwd",
): RunAs | undefined {
  if (uid !== 0) {
    if (requested && requested !== userInfo().username && requested !== String(uid)) {
      throw new Error(
        `--run-as ${requested} needs the agent to run as root; jobs will run as the agent's own user otherwise`,
      );
    }
    return undefined;
  }
  const user = requested ?? DEFAULT_ROOT_RUN_AS;
  const identity = lookupUser(user, readFileSync(passwdPath, "utf8"));
  if (!identity) throw new Error(`--run-as: no such user "${user}" in ${passwdPath}`);
  if (identity.uid === 0)
    throw new Error(
      "--run-as root would give jobs root on this machine; choose an unprivileged user",
    );
  return identity;
}
