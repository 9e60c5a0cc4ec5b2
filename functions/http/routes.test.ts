import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildOpenApi } from "./openapi.js";
import { routes } from "./routes.js";

describe("the route table", () => {
  it("names every function once", () => {
    const names = routes.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("has one OpenAPI operation per route", () => {
    const doc = buildOpenApi(routes) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(operations).toBe(routes.length);
  });

  it("is documented route by route in docs/api.md", () => {
    const doc = readFileSync(new URL("../../docs/api.md", import.meta.url), "utf8");
    for (const route of routes) expect(doc).toContain(`\`${route.method} /api/${route.route}\``);
  });
});
