import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lookupUser, resolveRunAs } from "./identity.js";

const passwd =
  "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\njobs:x:1500:1600::/home/jobs:/bin/sh\n";

describe("run-as identity", () => {
  it("finds users by name or uid", () => {
    expect(lookupUser("jobs", passwd)).toEqual({ uid: 1500, gid: 1600 });
    expect(lookupUser("65534", passwd)).toEqual({ uid: 65534, gid: 65534 });
    expect(lookupUser("ghost", passwd)).toBeUndefined();
  });

  it("as root: nobody by default, the seller's choice otherwise, never root", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "wc-passwd-")), "passwd");
    await writeFile(file, passwd);
    expect(resolveRunAs(undefined, 0, file)).toEqual({ uid: 65534, gid: 65534 });
    expect(resolveRunAs("jobs", 0, file)).toEqual({ uid: 1500, gid: 1600 });
    expect(() => resolveRunAs("root", 0, file)).toThrow(/unprivileged/);
    expect(() => resolveRunAs("ghost", 0, file)).toThrow(/no such user/);
  });

  it("not root: jobs run as the agent's own user, and another user is refused", () => {
    expect(resolveRunAs(undefined, 1000)).toBeUndefined();
    expect(() => resolveRunAs("someone-else", 1000)).toThrow(/needs the agent to run as root/);
  });
});
