// One job: facts, command, timeline (placed, started, retried, finished), artifacts, output.
import type { Job } from "@wastecompute/contracts";
import { describeError } from "../../api/api-error.js";
import { h, replaceChildren } from "../../lib/dom.js";
import { bytes, dateTime, shortId, statusLabel } from "../../lib/format.js";
import { hrefOf } from "../routes.js";
import { card, emptyState, loading, pageHeader } from "../ui.js";
import type { ViewContext } from "../view-context.js";
import { JobFollow } from "./job-follow.js";
import { isTerminal, renderJobFacts } from "./job-facts.js";
import { JobTerminal } from "./job-terminal.js";

function timeline(job: Job): HTMLElement {
  let attempt = 0;
  return h(
    "ol",
    { class: "timeline" },
    job.transitions.map((t) => {
      const retried = t.attempt > attempt;
      attempt = t.attempt;
      return h(
        "li",
        { class: `timeline-item timeline-${t.status}` },
        h("span", { class: "timeline-dot", "aria-hidden": "true" }),
        h(
          "div",
          {},
          h("strong", {}, retried ? `retried · ${statusLabel(t.status)}` : statusLabel(t.status)),
          h("span", { class: "muted" }, ` ${dateTime(t.at)}`),
          h(
            "p",
            { class: "timeline-reason" },
            t.reason,
            t.nodeId ? ` · node ${shortId(t.nodeId)}` : "",
            t.attempt > 0 ? ` · attempt ${t.attempt + 1}` : "",
          ),
        ),
      );
    }),
  );
}

function artifactsCard(ctx: ViewContext, jobId: string): HTMLElement {
  const host = h("div", {}, loading("Loading artifacts…"));
  ctx.api.jobArtifacts(jobId).then(
    ({ items }) =>
      replaceChildren(
        host,
        items.length === 0
          ? h(
              "p",
              { class: "muted" },
              "No artifacts. Files the job writes to $WC_OUTPUT_DIR appear here.",
            )
          : h(
              "ul",
              { class: "artifact-list" },
              items.map((a) =>
                h(
                  "li",
                  {},
                  h("a", { href: a.url, download: a.name, rel: "noopener" }, a.name),
                  h("span", { class: "muted" }, bytes(a.sizeBytes)),
                ),
              ),
            ),
      ),
    (error: unknown) =>
      replaceChildren(
        host,
        h("p", { class: "muted" }, `Artifacts unavailable: ${describeError(error)}`),
      ),
  );
  return card("Artifacts", {}, host);
}

export function jobDetailView(ctx: ViewContext): HTMLElement {
  const id = ctx.routeId ?? "";
  const facts = h("div", { class: "facts" });
  const timelineHost = h("div", {});
  const body = h("div", { class: "detail-grid" }, loading("Loading job…"));
  const cancel = h(
    "button",
    { type: "button", class: "btn btn-danger btn-small", hidden: true },
    "Cancel job",
  );
  const terminal = new JobTerminal("Job output");
  ctx.signal.addEventListener("abort", () => terminal.dispose());

  const show = (job: Job) => {
    renderJobFacts(facts, job);
    replaceChildren(timelineHost, timeline(job));
    cancel.hidden = isTerminal(job);
  };
  cancel.addEventListener("click", () => {
    cancel.disabled = true;
    ctx.api.cancelJob(id).then(
      () =>
        ctx.banner.info("Cancel requested", "The node stops the job and the final status follows."),
      (error: unknown) => ctx.banner.error("Could not cancel the job", describeError(error)),
    );
  });

  ctx.api.getJob(id).then(
    (job) => {
      if (ctx.signal.aborted) return;
      show(job);
      replaceChildren(
        body,
        h(
          "div",
          { class: "detail-main" },
          card("Command", {}, h("pre", { class: "command-block" }, job.command)),
          card(
            "Output",
            {},
            h("div", { class: "terminal-frame terminal-frame-short" }, terminal.element),
          ),
        ),
        h(
          "div",
          { class: "detail-side" },
          card("Timeline", {}, timelineHost),
          artifactsCard(ctx, job.id),
        ),
      );
      terminal.open();
      const follow = new JobFollow(
        ctx.api,
        terminal,
        { onJob: show, onDone: show },
        { jobId: id, offset: 0, transcript: undefined },
        false,
      );
      void follow.run(ctx.signal);
    },
    (error: unknown) =>
      replaceChildren(
        body,
        emptyState(
          "Could not load this job",
          describeError(error),
          h("a", { class: "btn", href: hrefOf({ name: "jobs" }) }, "Back to job history"),
        ),
      ),
  );

  return h(
    "div",
    {},
    pageHeader(
      `Job ${shortId(id)}`,
      id,
      h("a", { class: "btn btn-small", href: hrefOf({ name: "jobs" }) }, "← Job history"),
      cancel,
    ),
    facts,
    body,
  );
}
