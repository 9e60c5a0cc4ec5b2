// What every dashboard view is given.
import type { ApiClient, Me } from "../api/client.js";
import type { Banner } from "./banner.js";

export interface ViewContext {
  api: ApiClient;
  me: Me;
  banner: Banner;
  /** The id in the route, on views that show one thing (`#/jobs/<id>`). */
  routeId?: string;
  /** Aborted when the user leaves the view: stop timers and polling. */
  signal: AbortSignal;
}

export type View = (ctx: ViewContext) => HTMLElement;

/** setInterval that stops with the view. */
export function every(ctx: ViewContext, ms: number, tick: () => void): void {
  const timer = window.setInterval(() => {
    if (document.visibilityState === "visible") tick();
  }, ms);
  ctx.signal.addEventListener("abort", () => window.clearInterval(timer), { once: true });
}
