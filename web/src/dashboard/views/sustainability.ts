// Sustainability: energy, CO2e emitted and avoided over time, tree equivalents, and the method.
import { describeError } from "../../api/api-error.js";
import { h, replaceChildren } from "../../lib/dom.js";
import { ENERGY_UNITS, MASS_UNITS, energy, grams, pickUnit, trees } from "../../lib/format.js";
import { dailyChart } from "../charts/daily-chart.js";
import { card, emptyState, loading, metric, pageHeader } from "../ui.js";
import type { ViewContext } from "../view-context.js";

const METHOD_URL = "./docs.html#carbon-method";

export function sustainabilityView(ctx: ViewContext): HTMLElement {
  const body = h("div", { class: "stack" }, loading("Loading sustainability data…"));
  ctx.api.sustainability().then(
    (data) => {
      if (ctx.signal.aborted) return;
      const days = data.days.map((d) => d.day);
      const energyUnit = pickUnit(Math.max(0, ...data.days.map((d) => d.energyKwh)), ENERGY_UNITS);
      const massUnit = pickUnit(
        Math.max(0, ...data.days.flatMap((d) => [d.emittedGrams, d.avoidedGrams])),
        MASS_UNITS,
      );
      const method = card(
        "Method",
        { class: "card method-card" },
        h(
          "p",
          {},
          "Operational emissions follow the Green Software Foundation SCI: ",
          h("code", {}, "O = E × I"),
          " (energy × location-based grid intensity). Embodied emissions: ",
          h("code", {}, "M = TE × TiR/EL × RR/ToR"),
          ". Energy is measured where the agent can read it, otherwise estimated from CPU/GPU power curves (CCF).",
        ),
        h(
          "p",
          {},
          "“Avoided” compares each job with running it on newly provisioned hardware, so it counts the embodied carbon a new server would have added. Trees = kg CO₂e ÷ 60 (one seedling grown for 10 years, US EPA).",
        ),
        h(
          "p",
          { class: "muted small" },
          "Coefficients version ",
          h("code", { "data-coefficients": "" }, data.coefficientsVersion),
          " · ",
          h("a", { href: METHOD_URL }, "Read the full methodology"),
        ),
      );
      replaceChildren(
        body,
        h(
          "div",
          { class: "totals totals-4" },
          metric("Energy used", energy(data.totals.energyKwh)),
          metric("CO₂e emitted", grams(data.totals.emittedGrams)),
          metric("CO₂e avoided vs new hardware", grams(data.totals.avoidedGrams), {
            class: "metric metric-strong",
          }),
          metric("Tree equivalents", trees(data.totals.treeEquivalents)),
        ),
        days.length === 0
          ? emptyState(
              "No jobs measured yet",
              "Run a job and its energy and CO₂e appear here the day it finishes.",
            )
          : h(
              "div",
              { class: "chart-grid" },
              card(
                "Energy per day",
                {},
                dailyChart(
                  "Energy per day",
                  days,
                  [
                    {
                      label: "Energy",
                      values: data.days.map((d) => d.energyKwh * energyUnit.factor),
                      color: "#5cc8ff",
                      bars: true,
                    },
                  ],
                  energyUnit.label,
                  ctx.signal,
                ),
              ),
              card(
                "CO₂e emitted and avoided per day",
                {},
                dailyChart(
                  "CO₂e emitted and avoided per day",
                  days,
                  [
                    {
                      label: "Emitted",
                      values: data.days.map((d) => d.emittedGrams * massUnit.factor),
                      color: "#f5b941",
                    },
                    {
                      label: "Avoided",
                      values: data.days.map((d) => d.avoidedGrams * massUnit.factor),
                      color: "#3ee0a1",
                    },
                  ],
                  massUnit.label,
                  ctx.signal,
                ),
              ),
            ),
        method,
      );
    },
    (error: unknown) =>
      replaceChildren(body, emptyState("Could not load sustainability data", describeError(error))),
  );
  return h(
    "div",
    {},
    pageHeader(
      "Sustainability",
      "The energy and carbon of your jobs, and what reusing idle hardware avoided.",
    ),
    body,
  );
}
