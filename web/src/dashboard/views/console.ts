// Console (buyer): write a command, Execute, and watch it run in a live terminal.
import type { Job } from "@wastecompute/contracts";
import { describeError } from "../../api/api-error.js";
import { h } from "../../lib/dom.js";
import { usd } from "../../lib/format.js";
import {
  clearFollowState,
  loadFollowState,
  saveFollowState,
  type FollowState,
} from "../../lib/job-resume.js";
import { clearFieldErrors, reportFormError, showFieldErrors } from "../form-errors.js";
import { hrefOf } from "../routes.js";
import { pageHeader } from "../ui.js";
import type { ViewContext } from "../view-context.js";
import { buildConsoleForm } from "./console-form.js";
import { JobFollow } from "./job-follow.js";
import { isTerminal, renderJobFacts } from "./job-facts.js";
import { JobTerminal } from "./job-terminal.js";
import { RecentJobs } from "./recent-jobs.js";

const ELAPSED_TICK_MS = 1_000;

/** "This month: $x · n jobs", filled in when the billing summary answers; empty otherwise. */
function monthToDate(ctx: ViewContext): HTMLElement {
  const chip = h("p", { class: "summary-chip", "aria-live": "polite" });
  ctx.api.billingSummary().then(
    (summary) => {
      chip.textContent = `This month: ${usd(summary.spentMicros)} · ${summary.jobs} ${summary.jobs === 1 ? "job" : "jobs"}`;
    },
    () => chip.remove(),
  );
  return chip;
}

export function consoleView(ctx: ViewContext): HTMLElement {
  const { form, submitButton, read } = buildConsoleForm();
  const terminal = new JobTerminal("Job output");
  const facts = h("div", { class: "facts", "aria-live": "polite" });
  const jobLink = h("a", { class: "job-link", hidden: true }, "Job details →");
  const cancelButton = h(
    "button",
    { type: "button", class: "btn btn-danger btn-small", disabled: true },
    "Cancel job",
  );
  const recent = new RecentJobs(ctx.api);
  recent.refresh();
  const idle = h(
    "p",
    { class: "terminal-idle muted" },
    "Output appears here as soon as a node starts your job.",
  );

  let current: { jobId: string; job?: Job; controller: AbortController } | undefined;
  ctx.signal.addEventListener("abort", () => {
    current?.controller.abort();
    terminal.dispose();
  });

  const showJob = (job: Job) => {
    if (current?.jobId !== job.id) return;
    current.job = job;
    renderJobFacts(facts, job);
    jobLink.hidden = false;
    jobLink.href = hrefOf({ name: "job", id: job.id });
    cancelButton.disabled = isTerminal(job);
  };

  const follow = (state: FollowState, restoredJob?: Job) => {
    current?.controller.abort();
    const controller = new AbortController();
    ctx.signal.addEventListener("abort", () => controller.abort(), { once: true });
    const onDone = (job: Job) => {
      showJob(job);
      recent.refresh();
    };
    const jobFollow = new JobFollow(ctx.api, terminal, { onJob: showJob, onDone }, state);
    current = { jobId: state.jobId, controller };
    idle.hidden = true;
    if (restoredJob) showJob(restoredJob);
    void jobFollow.run(controller.signal);
  };

  // Keep the running duration ticking between status changes.
  const ticker = window.setInterval(() => {
    if (current?.job && !isTerminal(current.job)) renderJobFacts(facts, current.job);
  }, ELAPSED_TICK_MS);
  ctx.signal.addEventListener("abort", () => window.clearInterval(ticker));

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    ctx.banner.clear();
    const result = read();
    if ("errors" in result) {
      showFieldErrors(form, result.errors);
      return;
    }
    submitButton.disabled = true;
    submitButton.textContent = "Submitting…";
    ctx.api
      .submitJob(result.request)
      .then((job) => {
        terminal.clear();
        const header =
          JobTerminal.line(`$ ${job.command}`, "info") + JobTerminal.line(`job ${job.id}`, "dim");
        terminal.write(header);
        const state: FollowState = { jobId: job.id, offset: 0, transcript: header };
        saveFollowState(state);
        follow(state, job);
      })
      .catch((error: unknown) => reportFormError(form, error, ctx.banner))
      .finally(() => {
        submitButton.disabled = false;
        submitButton.textContent = "Execute";
      });
  });

  cancelButton.addEventListener("click", () => {
    const jobId = current?.jobId;
    if (!jobId) return;
    cancelButton.disabled = true;
    ctx.api.cancelJob(jobId).then(
      () => terminal.write(JobTerminal.line("cancel requested", "warn")),
      (error: unknown) => {
        cancelButton.disabled = false;
        ctx.banner.error("Could not cancel the job", describeError(error));
      },
    );
  });

  const view = h(
    "div",
    { class: "console-view" },
    pageHeader("Console", "Run a command on idle hardware and watch it live.", monthToDate(ctx)),
    h(
      "div",
      { class: "console-grid" },
      h(
        "div",
        { class: "console-side" },
        h(
          "section",
          { class: "card console-card", "aria-labelledby": "new-job-title" },
          h("h2", { class: "card-title", id: "new-job-title" }, "New job"),
          form,
        ),
        recent.element,
      ),
      h(
        "section",
        { class: "card terminal-card", "aria-labelledby": "output-title" },
        h(
          "div",
          { class: "terminal-head" },
          h("h2", { class: "card-title", id: "output-title" }, "Output"),
          h("div", { class: "terminal-actions" }, jobLink, cancelButton),
        ),
        facts,
        h("div", { class: "terminal-frame" }, terminal.element, idle),
      ),
    ),
  );

  queueMicrotask(() => {
    terminal.open();
    resume();
  });

  function resume() {
    const saved = loadFollowState();
    if (!saved) return;
    const restartFromZero = saved.transcript === undefined;
    const state: FollowState = restartFromZero
      ? { jobId: saved.jobId, offset: 0, transcript: "" }
      : saved;
    if (!restartFromZero) terminal.write(saved.transcript ?? "");
    ctx.api.getJob(saved.jobId).then(
      (job) => {
        if (saved.status === "settled" && isTerminal(job)) {
          current = { jobId: job.id, controller: new AbortController() };
          idle.hidden = true;
          showJob(job);
          return;
        }
        follow(state, job);
      },
      (error: unknown) => {
        clearFollowState();
        terminal.clear();
        ctx.banner.error("Could not reconnect to your last job", describeError(error));
      },
    );
  }

  return view;
}
