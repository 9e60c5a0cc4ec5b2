// Nodes: sellers see and manage their own machines; buyers see the marketplace.
import type { HardwareSpec } from "@wastecompute/contracts";
import { apiPublicUrl } from "../../api/config.js";
import { describeError } from "../../api/api-error.js";
import { isOwnerView, type AnyNode } from "../../api/client.js";
import { h, replaceChildren } from "../../lib/dom.js";
import { ago, count, usd } from "../../lib/format.js";
import { Sparkline } from "../charts/sparkline.js";
import {
  card,
  copyableCommand,
  emptyState,
  loading,
  numeric,
  pageHeader,
  pill,
  tableHead,
  tableHost,
  type Column,
} from "../ui.js";
import { every, type ViewContext } from "../view-context.js";

const REFRESH_MS = 5_000;

function hardwareText(hw: HardwareSpec): string {
  const gpus = hw.gpus.length ? ` · ${hw.gpus.length}× ${hw.gpus[0]?.model ?? "GPU"}` : "";
  return `${hw.cpuCores} cores / ${hw.cpuThreads} threads · ${count(hw.memoryMb / 1024, 1)} GB${gpus}`;
}

function isolationBadge(isolation: string): HTMLElement {
  return isolation === "none"
    ? h(
        "span",
        {
          class: "badge badge-warn",
          title: "No sandbox on this machine: jobs run as a plain limited process",
        },
        "no sandbox",
      )
    : h("span", { class: "badge badge-ok" }, isolation);
}

export function installCard(): HTMLElement {
  const api = apiPublicUrl();
  return card(
    "Add a machine",
    { class: "card install-card" },
    h(
      "p",
      { class: "muted" },
      "Install the agent on any Linux, macOS or Windows machine that sits idle. It registers the machine, takes work only when it is quiet, and runs each job in a sandbox (bubblewrap on Linux).",
    ),
    h(
      "ol",
      { class: "install-steps" },
      h(
        "li",
        {},
        h("span", {}, "Register this machine with your seller key:"),
        copyableCommand(
          `wastecompute-agent register --api ${api} --key "$WASTECOMPUTE_API_KEY"`,
          "register command",
        ),
      ),
      h(
        "li",
        {},
        h("span", {}, "Start taking jobs:"),
        copyableCommand("wastecompute-agent run", "run command"),
      ),
    ),
    h(
      "p",
      { class: "muted small" },
      "Set WASTECOMPUTE_API_KEY to your seller API key first. ",
      h("a", { href: "./docs.html#agent" }, "Agent guide"),
    ),
  );
}

export function nodesView(ctx: ViewContext): HTMLElement {
  const seller = ctx.me.roles.includes("seller");
  const body = tableHost("Nodes table", loading("Loading nodes…"));
  const sparklines = new Map<string, Sparkline>();
  ctx.signal.addEventListener("abort", () => sparklines.forEach((s) => s.destroy()));

  const sparklineFor = (node: AnyNode): HTMLElement => {
    let spark = sparklines.get(node.id);
    if (!spark) {
      spark = new Sparkline(`CPU utilisation of ${node.name}`);
      sparklines.set(node.id, spark);
    }
    if (node.utilisation) spark.push(node.utilisation.cpuPercent);
    return h(
      "div",
      { class: "util" },
      spark.element,
      h(
        "span",
        { class: "util-value" },
        node.utilisation ? `${Math.round(node.utilisation.cpuPercent)}%` : "—",
      ),
    );
  };

  const drain = (node: AnyNode, button: HTMLButtonElement) => {
    button.disabled = true;
    ctx.api.drainNode(node.id).then(
      () => {
        ctx.banner.info(
          `Draining ${node.name}`,
          "It finishes its running jobs and takes no new ones.",
        );
        load();
      },
      (error: unknown) => {
        button.disabled = false;
        ctx.banner.error(`Could not drain ${node.name}`, describeError(error));
      },
    );
  };

  const row = (node: AnyNode) => {
    const owned = isOwnerView(node);
    const drainButton = h("button", { type: "button", class: "btn btn-small" }, "Drain");
    drainButton.addEventListener("click", () => drain(node, drainButton));
    drainButton.disabled = node.status === "draining" || node.status === "offline";
    return h(
      "tr",
      { "data-node-id": node.id },
      h(
        "td",
        {},
        h("div", { class: "node-name" }, node.name),
        h(
          "div",
          { class: "muted small" },
          `${node.region} · ${node.timeZone} · ${Math.round(node.gridIntensity)} gCO₂e/kWh`,
        ),
      ),
      h(
        "td",
        { class: "cell-hardware" },
        h("div", { class: "ellipsis", title: node.hardware.cpuModel }, node.hardware.cpuModel),
        h("div", { class: "muted small" }, hardwareText(node.hardware)),
      ),
      h(
        "td",
        {},
        h("div", { class: "status-cell" }, pill(node.status), isolationBadge(node.isolation)),
        h("div", { class: "muted small" }, `${node.freeSlots} of ${node.slots} slots free`),
      ),
      h("td", {}, sparklineFor(node)),
      owned
        ? h("td", { class: "num" }, usd(node.earningsMicros))
        : h("td", { class: "num" }, `${Math.round(node.reliability * 100)}%`),
      owned
        ? h("td", {}, drainButton)
        : h("td", { class: "muted small" }, node.lastHeartbeatAt ? ago(node.lastHeartbeatAt) : "—"),
    );
  };

  const load = () => {
    ctx.api.listNodes().then(
      ({ items }) => {
        if (ctx.signal.aborted) return;
        if (items.length === 0) {
          replaceChildren(
            body,
            seller
              ? emptyState(
                  "No machines yet",
                  "Install the agent on an idle machine with the commands below; it shows up here within a few seconds.",
                )
              : emptyState(
                  "No nodes online",
                  "No seller machines are online right now. Jobs you submit wait in the queue until one is.",
                ),
          );
          return;
        }
        const ownerColumns = items.some(isOwnerView);
        const headings: Column[] = [
          "Node",
          "Hardware",
          "Status",
          "Utilisation",
          numeric(ownerColumns ? "Earnings" : "Reliability"),
          ownerColumns ? "" : "Last heartbeat",
        ];
        replaceChildren(
          body,
          h(
            "table",
            { class: "table", "aria-label": "Nodes" },
            tableHead(headings),
            h("tbody", {}, items.map(row)),
          ),
        );
      },
      (error: unknown) =>
        replaceChildren(body, emptyState("Could not load nodes", describeError(error))),
    );
  };
  // Redrawing the table would drop keyboard focus from a Drain button: wait until it moves on.
  every(ctx, REFRESH_MS, () => {
    if (!body.contains(document.activeElement)) load();
  });
  load();

  return h(
    "div",
    {},
    pageHeader(
      seller ? "Nodes" : "Marketplace",
      seller
        ? "Your machines, their status and what they have earned."
        : "Machines online in the marketplace right now.",
    ),
    h("section", { class: "card" }, body),
    seller ? installCard() : null,
  );
}
