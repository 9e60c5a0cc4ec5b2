// Hash routes of the dashboard and which roles see them.
import type { Role } from "@wastecompute/contracts";

export type RouteName =
  "console" | "jobs" | "job" | "nodes" | "invoices" | "earnings" | "sustainability";

export interface Route {
  name: RouteName;
  /** The job id on `#/jobs/<id>`. */
  id?: string;
}

interface NavEntry {
  name: Exclude<RouteName, "job">;
  label: string;
  roles: readonly Role[];
}

export const NAV: readonly NavEntry[] = [
  { name: "console", label: "Console", roles: ["buyer", "admin"] },
  { name: "jobs", label: "Job history", roles: ["buyer", "admin"] },
  { name: "nodes", label: "Nodes", roles: ["buyer", "seller", "admin"] },
  { name: "invoices", label: "Invoices", roles: ["buyer", "admin"] },
  { name: "earnings", label: "Earnings", roles: ["seller", "admin"] },
  { name: "sustainability", label: "Sustainability", roles: ["buyer", "seller", "admin"] },
];

export function navFor(roles: readonly Role[]): NavEntry[] {
  return NAV.filter((entry) => entry.roles.some((role) => roles.includes(role)));
}

export function parseRoute(hash: string): Route | undefined {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const [head, id] = parts;
  if (head === "jobs" && id) return { name: "job", id };
  const entry = NAV.find((n) => n.name === head);
  return entry ? { name: entry.name } : undefined;
}

/** The route a role lands on, and the one shown when a hash names a view the role lacks. */
export function allowedRoute(route: Route | undefined, roles: readonly Role[]): Route {
  const nav = navFor(roles);
  const navName = route?.name === "job" ? "jobs" : route?.name;
  if (route && nav.some((n) => n.name === navName)) return route;
  return { name: nav[0]?.name ?? "sustainability" };
}

export function hrefOf(route: Route): string {
  return route.name === "job" && route.id
    ? `#/jobs/${encodeURIComponent(route.id)}`
    : `#/${route.name}`;
}
