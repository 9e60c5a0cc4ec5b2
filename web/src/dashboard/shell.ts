// The signed-in frame: sidebar navigation for the account's roles, account bar, banner, and the
// routed view in the middle.
import { ApiClient, type Me } from "../api/client.js";
import { h, replaceChildren } from "../lib/dom.js";
import { Banner } from "./banner.js";
import { brandLink } from "./brand.js";
import { allowedRoute, hrefOf, navFor, parseRoute, type Route, type RouteName } from "./routes.js";
import type { View, ViewContext } from "./view-context.js";
import { consoleView } from "./views/console.js";
import { earningsView, invoicesView } from "./views/statements.js";
import { jobDetailView } from "./views/job-detail.js";
import { jobsView } from "./views/jobs.js";
import { nodesView } from "./views/nodes.js";
import { sustainabilityView } from "./views/sustainability.js";

const VIEWS: Record<RouteName, View> = {
  console: consoleView,
  jobs: jobsView,
  job: jobDetailView,
  nodes: nodesView,
  invoices: invoicesView,
  earnings: earningsView,
  sustainability: sustainabilityView,
};

const TITLES: Record<RouteName, string> = {
  console: "Console",
  jobs: "Job history",
  job: "Job",
  nodes: "Nodes",
  invoices: "Invoices",
  earnings: "Earnings",
  sustainability: "Sustainability",
};

export function mountShell(root: HTMLElement, apiKey: string, me: Me, onSignOut: () => void): void {
  const api = new ApiClient(apiKey);
  const bannerHost = h("div", { class: "banner-host" });
  const banner = new Banner(bannerHost);
  const outlet = h("div", { class: "view" });
  const main = h("main", { id: "main", class: "content", tabindex: "-1" }, bannerHost, outlet);
  const nav = h(
    "nav",
    { class: "side-nav", "aria-label": "Dashboard" },
    h(
      "ul",
      {},
      navFor(me.roles).map((entry) =>
        h(
          "li",
          {},
          h(
            "a",
            { href: hrefOf({ name: entry.name }), "data-route": entry.name },
            h("span", { class: `nav-icon nav-icon-${entry.name}`, "aria-hidden": "true" }),
            entry.label,
          ),
        ),
      ),
    ),
  );
  const account = h(
    "div",
    { class: "account" },
    h(
      "div",
      { class: "account-text" },
      h("span", { class: "account-name" }, me.name),
      h("span", { class: "account-roles" }, me.roles.join(" · "), me.research ? " · research" : ""),
    ),
    h("button", { type: "button", class: "btn btn-small", onclick: onSignOut }, "Sign out"),
  );
  replaceChildren(
    root,
    h("a", { class: "skip-link", href: "#main" }, "Skip to content"),
    h(
      "div",
      { class: "app" },
      h(
        "aside",
        { class: "sidebar" },
        brandLink(),
        nav,
        h("a", { class: "side-docs", href: "./docs.html" }, "Documentation ↗"),
      ),
      h(
        "div",
        { class: "app-main" },
        h("header", { class: "topbar" }, h("span", { class: "env-chip" }, "Live"), account),
        main,
      ),
    ),
  );

  let controller = new AbortController();
  const show = () => {
    const wanted = parseRoute(window.location.hash);
    const route: Route = allowedRoute(wanted, me.roles);
    if (!wanted || hrefOf(route) !== hrefOf(wanted)) {
      history.replaceState(null, "", hrefOf(route));
    }
    controller.abort();
    controller = new AbortController();
    banner.clear();
    const ctx: ViewContext = { api, me, banner, signal: controller.signal, routeId: route.id };
    const active = route.name === "job" ? "jobs" : route.name;
    for (const link of nav.querySelectorAll<HTMLAnchorElement>("a[data-route]")) {
      if (link.dataset.route === active) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    document.title = `${TITLES[route.name]} · WasteCompute`;
    replaceChildren(outlet, VIEWS[route.name](ctx));
  };
  window.addEventListener("hashchange", show);
  show();
}
