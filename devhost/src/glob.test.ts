import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expandGlob, globToRegExp } from "./glob.js";

describe("glob", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it("translates *, **, ? and braces", () => {
    expect(globToRegExp("dist/*.js").test("dist/a.js")).toBe(true);
    expect(globToRegExp("dist/*.js").test("dist/x/a.js")).toBe(false);
    expect(globToRegExp("dist/**/*.js").test("dist/a.js")).toBe(true);
    expect(globToRegExp("dist/**/*.js").test("dist/x/y/a.js")).toBe(true);
    expect(globToRegExp("src/{a,b}.?js").test("src/b.mjs")).toBe(true);
  });

  it("expands a pattern to sorted files and skips node_modules", async () => {
    const root = await mkdtemp(join(tmpdir(), "devhost-glob-"));
    dirs.push(root);
    await mkdir(join(root, "dist/functions/nested"), { recursive: true });
    await mkdir(join(root, "dist/node_modules"), { recursive: true });
    for (const file of [
      "dist/functions/b.js",
      "dist/functions/a.js",
      "dist/functions/nested/c.js",
      "dist/functions/a.js.map",
      "dist/node_modules/x.js",
    ]) {
      await writeFile(join(root, file), "");
    }
    expect(
      (await expandGlob(root, "dist/functions/*.js")).map((f) => f.slice(root.length + 1)),
    ).toEqual(["dist/functions/a.js", "dist/functions/b.js"]);
    expect(await expandGlob(root, "./dist/**/*.js")).toHaveLength(3);
    expect(await expandGlob(root, "missing/*.js")).toEqual([]);
  });
});
