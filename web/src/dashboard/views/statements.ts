// Invoices (buyer) and Earnings (seller): a month, its lines and totals, and a CSV download.
import type { EarningsStatement, Invoice } from "@wastecompute/contracts";
import { describeError } from "../../api/api-error.js";
import { h, replaceChildren } from "../../lib/dom.js";
import { duration, minusUsd, monthOf, shortDateTime, shortId, usd } from "../../lib/format.js";
import { hrefOf } from "../routes.js";
import {
  downloadBlob,
  emptyState,
  field,
  loading,
  metric,
  numeric,
  pageHeader,
  tableHead,
  tableHost,
  type Column,
} from "../ui.js";
import type { ViewContext } from "../view-context.js";

interface StatementKind<S> {
  title: string;
  subtitle: string;
  fileStem: string;
  load(ctx: ViewContext, month: string): Promise<S>;
  csv(ctx: ViewContext, month: string): Promise<Blob>;
  empty: [string, string];
  render(statement: S): { totals: HTMLElement[]; headings: Column[]; rows: HTMLTableRowElement[] };
}

const jobCell = (jobId: string) =>
  h("td", {}, h("a", { class: "mono", href: hrefOf({ name: "job", id: jobId }) }, shortId(jobId)));

const INVOICES: StatementKind<Invoice> = {
  title: "Invoices",
  subtitle: "What you spent each month, job by job.",
  fileStem: "wastecompute-invoice",
  load: (ctx, month) => ctx.api.invoice(month),
  csv: (ctx, month) => ctx.api.invoiceCsv(month),
  empty: [
    "No charges this month",
    "Jobs you run are billed per second and appear here once they finish.",
  ],
  render: (invoice) => ({
    totals: [
      metric("Gross", usd(invoice.totals.grossMicros)),
      metric("Discount", minusUsd(invoice.totals.discountMicros)),
      metric("Total due", usd(invoice.totals.netMicros), {
        class: "metric metric-strong",
        "data-total": "net",
      }),
      metric("Incl. platform fee (15%)", usd(invoice.totals.platformFeeMicros)),
    ],
    headings: [
      "Date",
      "Job",
      "Description",
      numeric("Time"),
      numeric("Gross"),
      numeric("Discount"),
      numeric("Net"),
    ],
    rows: invoice.lines.map((line) =>
      h(
        "tr",
        {},
        h("td", { class: "nowrap" }, shortDateTime(line.at)),
        jobCell(line.jobId),
        h("td", {}, line.description),
        h(
          "td",
          { class: "num" },
          duration(line.seconds),
          h(
            "div",
            { class: "muted small" },
            `${line.peakSeconds} s peak · ${line.offPeakSeconds} s off-peak`,
          ),
        ),
        h("td", { class: "num" }, usd(line.grossMicros)),
        h("td", { class: "num" }, minusUsd(line.discountMicros)),
        h("td", { class: "num" }, usd(line.netMicros)),
      ),
    ),
  }),
};

const EARNINGS: StatementKind<EarningsStatement> = {
  title: "Earnings",
  subtitle: "What your machines earned each month: 85% of every job they ran.",
  fileStem: "wastecompute-earnings",
  load: (ctx, month) => ctx.api.earnings(month),
  csv: (ctx, month) => ctx.api.earningsCsv(month),
  empty: [
    "No earnings this month",
    "Once your nodes run jobs, each one is listed here with its share.",
  ],
  render: (statement) => ({
    totals: [
      metric("Jobs billed", usd(statement.totals.jobNetMicros)),
      metric("Platform fee", minusUsd(statement.totals.platformFeeMicros)),
      metric("Your earnings", usd(statement.totals.earningMicros), {
        class: "metric metric-strong",
        "data-total": "net",
      }),
    ],
    headings: [
      "Date",
      "Job",
      "Node",
      numeric("Time"),
      numeric("Job total"),
      numeric("Platform fee"),
      numeric("Earning"),
    ],
    rows: statement.lines.map((line) =>
      h(
        "tr",
        {},
        h("td", { class: "nowrap" }, shortDateTime(line.at)),
        h("td", { class: "mono" }, shortId(line.jobId)),
        h("td", { class: "mono" }, shortId(line.nodeId)),
        h("td", { class: "num" }, duration(line.seconds)),
        h("td", { class: "num" }, usd(line.jobNetMicros)),
        h("td", { class: "num" }, minusUsd(line.platformFeeMicros)),
        h("td", { class: "num" }, usd(line.earningMicros)),
      ),
    ),
  }),
};

function statementView<S>(kind: StatementKind<S>, ctx: ViewContext): HTMLElement {
  const monthInput = h("input", {
    type: "month",
    name: "month",
    value: monthOf(new Date()),
    max: monthOf(new Date()),
    required: true,
  });
  const body = h("div", {}, loading());
  const download = h("button", { type: "button", class: "btn btn-small" }, "Download CSV");

  const load = () => {
    const month = monthInput.value;
    if (!/^\d{4}-\d{2}$/.test(month)) return;
    replaceChildren(body, loading());
    kind.load(ctx, month).then(
      (statement) => {
        if (ctx.signal.aborted || month !== monthInput.value) return;
        const { totals, headings, rows } = kind.render(statement);
        replaceChildren(
          body,
          h("div", { class: "totals" }, totals),
          rows.length === 0
            ? emptyState(...kind.empty)
            : tableHost(
                `${kind.title} lines`,
                h(
                  "table",
                  { class: "table", "aria-label": `${kind.title} lines` },
                  tableHead(headings),
                  h("tbody", {}, rows),
                ),
              ),
        );
      },
      (error: unknown) =>
        replaceChildren(
          body,
          emptyState(`Could not load ${kind.title.toLowerCase()}`, describeError(error)),
        ),
    );
  };

  download.addEventListener("click", () => {
    const month = monthInput.value;
    download.disabled = true;
    kind
      .csv(ctx, month)
      .then((blob) => downloadBlob(blob, `${kind.fileStem}-${month}.csv`))
      .catch((error: unknown) =>
        ctx.banner.error("Could not download the CSV", describeError(error)),
      )
      .finally(() => (download.disabled = false));
  });
  monthInput.addEventListener("change", load);
  load();

  return h(
    "div",
    {},
    pageHeader(kind.title, kind.subtitle, download),
    h(
      "section",
      { class: "card" },
      h("div", { class: "toolbar" }, field("Month", monthInput).wrapper),
      body,
    ),
  );
}

export const invoicesView = (ctx: ViewContext) => statementView(INVOICES, ctx);
export const earningsView = (ctx: ViewContext) => statementView(EARNINGS, ctx);
