import { describe, expect, it } from "vitest";
import { comparePrecedence, parseRouteTemplate, RouteTemplateError } from "./route-template.js";

describe("parseRouteTemplate", () => {
  it("matches literals case-insensitively and tolerates a trailing slash", () => {
    const route = parseRouteTemplate("api/Jobs");
    expect(route.match("/api/jobs")).toEqual({});
    expect(route.match("/api/jobs/")).toEqual({});
    expect(route.match("/api/jobs/1")).toBeUndefined();
  });

  it("decodes parameters and applies constraints", () => {
    const route = parseRouteTemplate("api/nodes/{id:int:min(1)}/{name:alpha}");
    expect(route.match("/api/nodes/5/gpu")).toEqual({ id: "5", name: "gpu" });
    expect(route.match("/api/nodes/0/gpu")).toBeUndefined();
    expect(route.match("/api/nodes/5/gpu1")).toBeUndefined();
    expect(parseRouteTemplate("x/{s}").match("/x/a%20b")).toEqual({ s: "a b" });
  });

  it.each([
    ["{v:bool}", "TRUE", true],
    ["{v:bool}", "yes", false],
    ["{v:guid}", "0f8fad5bd9cb469fa16570867728950e", true],
    ["{v:long}", "-9007199254740993", true],
    ["{v:double}", "1.5e3", true],
    ["{v:range(1,3)}", "4", false],
    ["{v:length(2)}", "ab", true],
    ["{v:maxlength(2)}", "abc", false],
    ["{v:regex(^[a-c]+$)}", "cab", true],
    ["{v:datetime}", "2026-12-04", true],
  ])("constraint %s on %s -> %s", (template, value, expected) => {
    expect(parseRouteTemplate(template).match(`/${value}`) !== undefined).toBe(expected);
  });

  it("supports optional, default and catch-all parameters", () => {
    expect(parseRouteTemplate("a/{id?}").match("/a")).toEqual({});
    expect(parseRouteTemplate("a/{page=1}").match("/a")).toEqual({ page: "1" });
    expect(parseRouteTemplate("a/{page=1}").match("/a/3")).toEqual({ page: "3" });
    expect(parseRouteTemplate("a/{*rest}").match("/a/x/y%2Fz")).toEqual({ rest: "x/y/z" });
    expect(parseRouteTemplate("a/{**rest}").match("/a")).toEqual({});
  });

  it("supports several parameters in one segment", () => {
    expect(parseRouteTemplate("files/{name}.{ext}").match("/files/report.pdf")).toEqual({
      name: "report",
      ext: "pdf",
    });
  });

  it("rejects malformed templates", () => {
    expect(() => parseRouteTemplate("a/{*rest}/b")).toThrow(RouteTemplateError);
    expect(() => parseRouteTemplate("a/{id")).toThrow(RouteTemplateError);
    expect(() => parseRouteTemplate("a/{id:nosuch}")).toThrow(/Unknown route constraint/);
  });

  it("orders literal before constrained before plain before catch-all", () => {
    const templates = ["a/{*rest}", "a/{id}", "a/{id:int}", "a/latest", "a"].map(
      parseRouteTemplate,
    );
    expect(templates.sort(comparePrecedence).map((t) => t.template)).toEqual([
      "a",
      "a/latest",
      "a/{id:int}",
      "a/{id}",
      "a/{*rest}",
    ]);
  });
});
