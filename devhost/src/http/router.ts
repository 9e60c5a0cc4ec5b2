// Maps a request path and method to an HTTP-triggered function, with the host's 404/405 outcomes.
import type { RegisteredFunction } from "../extension.js";
import type { RouteTemplate } from "./route-template.js";
import { comparePrecedence, parseRouteTemplate } from "./route-template.js";

export interface HttpRoute {
  fn: RegisteredFunction;
  template: RouteTemplate;
  /** Upper-case methods, or undefined when every method is allowed. */
  methods: ReadonlySet<string> | undefined;
  /** Name of the `http` output binding the response comes from ("$return" by default). */
  responseBinding: string;
}

export type RouteMatch =
  | { kind: "found"; route: HttpRoute; params: Record<string, string> }
  | { kind: "method-not-allowed"; allow: readonly string[] }
  | { kind: "not-found" };

function methodsOf(fn: RegisteredFunction): ReadonlySet<string> | undefined {
  const methods = fn.trigger.methods;
  if (!Array.isArray(methods) || methods.length === 0) return undefined;
  return new Set(
    methods.filter((m): m is string => typeof m === "string").map((m) => m.toUpperCase()),
  );
}

/** Builds routes for every httpTrigger function; the route defaults to the function name. */
export function buildRoutes(
  functions: readonly RegisteredFunction[],
  routePrefix: string,
): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const fn of functions) {
    if (fn.trigger.type.toLowerCase() !== "httptrigger") continue;
    const route =
      typeof fn.trigger.route === "string" && fn.trigger.route !== "" ? fn.trigger.route : fn.name;
    const full = [routePrefix, route.replace(/^\/+/, "")].filter((part) => part !== "").join("/");
    const responseBinding =
      Object.entries(fn.bindings).find(
        ([, b]) => b.type.toLowerCase() === "http" && b.direction === "out",
      )?.[0] ?? "$return";
    routes.push({
      fn,
      template: parseRouteTemplate(full),
      methods: methodsOf(fn),
      responseBinding,
    });
  }
  return routes.sort((a, b) => comparePrecedence(a.template, b.template));
}

/** Finds the most specific route for the path; a path match with the wrong method yields 405. */
export function matchRoute(routes: readonly HttpRoute[], method: string, path: string): RouteMatch {
  let allow: Set<string> | undefined;
  for (const route of routes) {
    const params = route.template.match(path);
    if (params === undefined) continue;
    if (route.methods === undefined || route.methods.has(method))
      return { kind: "found", route, params };
    allow ??= new Set();
    for (const m of route.methods) allow.add(m);
  }
  return allow === undefined
    ? { kind: "not-found" }
    : { kind: "method-not-allowed", allow: [...allow].sort() };
}
