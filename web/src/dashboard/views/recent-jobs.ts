// The console's short list of the buyer's latest jobs, refreshed when one finishes.
import type { Job } from "@wastecompute/contracts";
import type { ApiClient } from "../../api/client.js";
import { h, replaceChildren } from "../../lib/dom.js";
import { shortDateTime } from "../../lib/format.js";
import { hrefOf } from "../routes.js";
import { pill } from "../ui.js";
import { costText } from "./job-facts.js";

const RECENT = 5;

function item(job: Job): HTMLLIElement {
  return h(
    "li",
    {},
    h(
      "a",
      { href: hrefOf({ name: "job", id: job.id }), class: "recent-command" },
      h("code", {}, job.command),
    ),
    h(
      "span",
      { class: "recent-meta" },
      pill(job.status),
      h("span", { class: "muted small" }, `${shortDateTime(job.createdAt)} · ${costText(job)}`),
    ),
  );
}

export class RecentJobs {
  readonly element = h("section", { class: "card recent-card", "aria-labelledby": "recent-title" });

  constructor(private readonly api: ApiClient) {}

  refresh(): void {
    this.api.listJobs({ limit: RECENT }).then(
      ({ items }) =>
        replaceChildren(
          this.element,
          h(
            "div",
            { class: "recent-head" },
            h("h2", { class: "card-title", id: "recent-title" }, "Recent jobs"),
            h("a", { href: hrefOf({ name: "jobs" }), class: "small" }, "All jobs →"),
          ),
          items.length === 0
            ? h(
                "p",
                { class: "muted small" },
                "Nothing yet. Press Execute to run the example and watch its output on the right.",
              )
            : h("ul", { class: "recent-list" }, items.map(item)),
        ),
      () => this.element.remove(),
    );
  }
}
