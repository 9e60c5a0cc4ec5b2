import { describe, expect, it } from "vitest";
import type { RegisteredFunction } from "../extension.js";
import { buildRoutes, matchRoute } from "./router.js";

function httpFunction(name: string, route?: string, methods?: string[]): RegisteredFunction {
  const trigger = { type: "httpTrigger", direction: "in" as const, route, methods };
  return {
    name,
    bindings: { req: trigger, $return: { type: "http", direction: "out" } },
    triggerBindingName: "req",
    trigger,
    callback: () => undefined,
  };
}

describe("router", () => {
  const routes = buildRoutes(
    [
      httpFunction("byId", "jobs/{id}", ["GET"]),
      httpFunction("cancel", "jobs/{id}", ["DELETE"]),
      httpFunction("health"),
    ],
    "api",
  );

  it("applies the route prefix and defaults the route to the function name", () => {
    expect(matchRoute(routes, "GET", "/api/health")).toMatchObject({
      kind: "found",
      route: { fn: { name: "health" } },
    });
    expect(matchRoute(buildRoutes([httpFunction("health")], ""), "POST", "/health").kind).toBe(
      "found",
    );
  });

  it("picks the function by method among routes sharing a template", () => {
    expect(matchRoute(routes, "DELETE", "/api/jobs/9")).toMatchObject({
      kind: "found",
      params: { id: "9" },
      route: { fn: { name: "cancel" } },
    });
  });

  it("lists every allowed method on 405 and reports 404 for unknown paths", () => {
    expect(matchRoute(routes, "PUT", "/api/jobs/9")).toEqual({
      kind: "method-not-allowed",
      allow: ["DELETE", "GET"],
    });
    expect(matchRoute(routes, "GET", "/api/nothing")).toEqual({ kind: "not-found" });
  });
});
