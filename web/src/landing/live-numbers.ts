// The marketplace strip on the landing page, refreshed while the page is open.
import type { MarketplaceSummary } from "@wastecompute/contracts";
import { ApiClient } from "../api/client.js";
import { h, replaceChildren } from "../lib/dom.js";
import { count } from "../lib/format.js";

const REFRESH_MS = 15_000;

/** Each figure as [number, unit] pairs, so units can be set smaller than the digits. */
export function statFigures(summary: MarketplaceSummary): Record<string, [string, string][]> {
  return {
    nodesOnline: [[count(summary.nodesOnline), ""]],
    jobsRun: [[count(summary.jobsRun), ""]],
    co2eAvoidedKg: [[count(summary.co2eAvoidedKg, summary.co2eAvoidedKg < 10 ? 2 : 0), "kg"]],
    capacity: [
      [count(summary.cpuCoresOnline), "cores"],
      [count(summary.gpusOnline), "GPUs"],
    ],
  };
}

export function startLiveNumbers(list: HTMLElement, note: HTMLElement): void {
  const api = new ApiClient();
  const refresh = async () => {
    try {
      const figures = statFigures(await api.marketplaceSummary());
      for (const cell of list.querySelectorAll<HTMLElement>("[data-stat]")) {
        const parts = figures[cell.dataset.stat ?? ""] ?? [["—", ""]];
        replaceChildren(
          cell,
          parts.flatMap(([value, unit], i) => [
            i > 0 ? " · " : null,
            value,
            unit ? " " : null,
            unit ? h("span", { class: "unit" }, unit) : null,
          ]),
        );
      }
      list.dataset.state = "live";
      note.textContent = `Live from the marketplace · updated ${new Date().toLocaleTimeString("en-GB")}`;
    } catch {
      list.dataset.state = "unavailable";
      note.textContent = "Live numbers are unavailable right now.";
    } finally {
      list.setAttribute("aria-busy", "false");
    }
  };
  void refresh();
  window.setInterval(() => {
    if (document.visibilityState === "visible") void refresh();
  }, REFRESH_MS);
}
