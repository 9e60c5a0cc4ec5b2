// The numbers that sum up a job: status, node, exit code, duration, cost, CO2e.
import type { Job } from "@wastecompute/contracts";
import { TERMINAL_JOB_STATUSES } from "@wastecompute/contracts";
import { h, replaceChildren } from "../../lib/dom.js";
import { duration, grams, shortId, usd } from "../../lib/format.js";
import { metric, pill } from "../ui.js";

export function isTerminal(job: Pick<Job, "status">): boolean {
  return TERMINAL_JOB_STATUSES.includes(job.status);
}

/** Wall time: the agent's measurement when settled, otherwise from the running transition to now/end. */
export function jobSeconds(job: Job, now = Date.now()): number | undefined {
  if (job.usage) return job.usage.wallSeconds;
  const started = job.transitions.find((t) => t.status === "running");
  if (!started) return undefined;
  const ended = isTerminal(job) ? job.transitions.at(-1)?.at : undefined;
  return ((ended ? Date.parse(ended) : now) - Date.parse(started.at)) / 1000;
}

export function costText(job: Job): string {
  if (job.cost) return usd(job.cost.netMicros);
  return isTerminal(job) ? "settling…" : "—";
}

export function co2Text(job: Job): string {
  return job.carbon ? grams(job.carbon.emittedGrams) : isTerminal(job) ? "settling…" : "—";
}

export function renderJobFacts(host: HTMLElement, job: Job): void {
  const seconds = jobSeconds(job);
  replaceChildren(
    host,
    h(
      "div",
      { class: "metric" },
      h("span", { class: "metric-label" }, "Status"),
      h("span", { class: "metric-value", "data-fact": "status" }, pill(job.status)),
    ),
    metric("Node", job.nodeId ? shortId(job.nodeId) : "—", {
      "data-fact": "node",
      title: job.nodeId ?? "",
    }),
    metric("Exit code", job.exitCode === undefined ? "—" : String(job.exitCode), {
      "data-fact": "exit",
    }),
    metric("Duration", seconds === undefined ? "—" : duration(seconds), {
      "data-fact": "duration",
    }),
    metric("Cost", costText(job), { "data-fact": "cost" }),
    metric("CO₂e", co2Text(job), { "data-fact": "co2e" }),
  );
}
