// Job history: filter by status, page with continuation tokens, open a job's detail.
import type { Job, JobStatus } from "@wastecompute/contracts";
import { describeError } from "../../api/api-error.js";
import { h, replaceChildren } from "../../lib/dom.js";
import { duration, shortDateTime, shortId } from "../../lib/format.js";
import { hrefOf } from "../routes.js";
import {
  emptyState,
  field,
  loading,
  numeric,
  pageHeader,
  pill,
  tableHead,
  tableHost,
} from "../ui.js";
import { every, type ViewContext } from "../view-context.js";
import { co2Text, costText, jobSeconds } from "./job-facts.js";

const PAGE_SIZE = 20;
const REFRESH_MS = 5_000;

export const STATUS_FILTERS: Record<string, { label: string; statuses?: JobStatus[] }> = {
  all: { label: "All jobs" },
  active: { label: "Active", statuses: ["queued", "placed", "running"] },
  succeeded: { label: "Succeeded", statuses: ["succeeded"] },
  failed: { label: "Failed", statuses: ["failed", "timed_out", "lost", "expired"] },
  cancelled: { label: "Cancelled", statuses: ["cancelled"] },
};

function jobRow(job: Job): HTMLTableRowElement {
  const seconds = jobSeconds(job);
  return h(
    "tr",
    { "data-job-id": job.id },
    h(
      "td",
      {},
      h("a", { href: hrefOf({ name: "job", id: job.id }), class: "mono" }, shortId(job.id)),
    ),
    h("td", {}, pill(job.status)),
    h("td", { class: "cell-command" }, h("code", { title: job.command }, job.command)),
    h("td", { class: "mono" }, job.nodeId ? shortId(job.nodeId) : "—"),
    h("td", { class: "num" }, seconds === undefined ? "—" : duration(seconds)),
    h("td", { class: "num", "data-col": "cost" }, costText(job)),
    h("td", { class: "num" }, co2Text(job)),
    h("td", { class: "nowrap" }, shortDateTime(job.createdAt)),
  );
}

export function jobsView(ctx: ViewContext): HTMLElement {
  const select = h(
    "select",
    { name: "status" },
    Object.entries(STATUS_FILTERS).map(([value, filter]) => h("option", { value }, filter.label)),
  );
  const body = tableHost("Jobs table", loading("Loading jobs…"));
  const previous = h(
    "button",
    { type: "button", class: "btn btn-small", disabled: true },
    "← Newer",
  );
  const next = h("button", { type: "button", class: "btn btn-small", disabled: true }, "Older →");
  const pageLabel = h("span", { class: "muted" });
  /** Tokens of the pages before the current one; the last is the current page's own token. */
  const tokens: (string | undefined)[] = [undefined];
  let nextToken: string | undefined;

  const load = (quiet = false) => {
    if (!quiet) replaceChildren(body, loading("Loading jobs…"));
    const filter = STATUS_FILTERS[select.value];
    ctx.api
      .listJobs({ status: filter?.statuses, limit: PAGE_SIZE, continuationToken: tokens.at(-1) })
      .then((page) => {
        if (ctx.signal.aborted) return;
        nextToken = page.continuationToken;
        previous.disabled = tokens.length <= 1;
        next.disabled = !nextToken;
        pageLabel.textContent = `Page ${tokens.length}`;
        if (page.items.length === 0) {
          replaceChildren(
            body,
            select.value === "all" && tokens.length === 1
              ? emptyState(
                  "No jobs yet",
                  "Run your first command from the console — try echo hello.",
                  h(
                    "a",
                    { class: "btn btn-primary", href: hrefOf({ name: "console" }) },
                    "Open the console",
                  ),
                )
              : emptyState("Nothing matches", "No jobs with this status. Pick another filter."),
          );
          return;
        }
        replaceChildren(
          body,
          h(
            "table",
            { class: "table", "aria-label": "Jobs" },
            tableHead([
              "Job",
              "Status",
              "Command",
              "Node",
              numeric("Duration"),
              numeric("Cost"),
              numeric("CO₂e"),
              "Submitted",
            ]),
            h("tbody", {}, page.items.map(jobRow)),
          ),
        );
      })
      .catch((error: unknown) => {
        if (!quiet) replaceChildren(body, emptyState("Could not load jobs", describeError(error)));
      });
  };

  select.addEventListener("change", () => {
    tokens.splice(0, tokens.length, undefined);
    load();
  });
  previous.addEventListener("click", () => {
    tokens.pop();
    load();
  });
  next.addEventListener("click", () => {
    tokens.push(nextToken);
    load();
  });
  const refresh = h(
    "button",
    { type: "button", class: "btn btn-small", onclick: () => load() },
    "Refresh",
  );
  // Live refresh of the first page, but never under a keyboard user's focus.
  every(ctx, REFRESH_MS, () => {
    if (tokens.length === 1 && !body.contains(document.activeElement)) load(true);
  });
  load();

  return h(
    "div",
    {},
    pageHeader("Job history", "Every job you have submitted, newest first.", refresh),
    h(
      "section",
      { class: "card" },
      h("div", { class: "toolbar" }, field("Status", select).wrapper),
      body,
      h("div", { class: "pager" }, previous, pageLabel, next),
    ),
  );
}
