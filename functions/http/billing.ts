// Billing: the public rate card, a buyer's monthly invoice (JSON or CSV), a seller's earnings
// statement, and a month's summary for either side. All figures come from the immutable ledger.
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import {
  BillingSummarySchema,
  EarningsStatementSchema,
  InvoiceQuerySchema,
  InvoiceSchema,
  PricingSchema,
} from "@wastecompute/contracts";
import { monthOf } from "../domain/ledger.js";
import { describeRateCard } from "../domain/rate-card.js";
import {
  buildEarningsStatement,
  buildInvoice,
  earningsStatementToCsv,
  invoiceToCsv,
} from "../domain/statements.js";
import { listLedgerEntries } from "../store/ledger.js";
import { endpoint, json } from "./endpoint.js";

const wantsCsv = (request: HttpRequest): boolean =>
  /\btext\/csv\b/i.test(request.headers.get("accept") ?? "");

function csv(text: string, filename: string): HttpResponseInit {
  return {
    status: 200,
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
    },
    body: text,
  };
}

export async function invoiceFor(accountId: string, month: string) {
  return buildInvoice(await listLedgerEntries(accountId, month), { accountId, month });
}

export async function billingSummaryFor(accountId: string, month: string) {
  const entries = await listLedgerEntries(accountId, month);
  const total = (kind: string) =>
    entries.filter((e) => e.kind === kind).reduce((n, e) => n + e.amountMicros, 0);
  const jobs = new Set(
    entries.filter((e) => e.kind === "charge" || e.kind === "earning").map((e) => e.jobId),
  );
  return {
    accountId,
    month,
    spentMicros: total("charge") - total("discount"),
    earnedMicros: total("earning"),
    jobs: jobs.size,
  };
}

export const billingEndpoints = [
  endpoint({
    name: "getPricing",
    method: "GET",
    route: "billing/pricing",
    tag: "billing",
    summary: "The rate card: per-second rates, time-of-use multipliers, fee and discount.",
    access: { kind: "public" },
    response: PricingSchema,
    async handle() {
      return json(describeRateCard());
    },
  }),
  endpoint({
    name: "getInvoice",
    method: "GET",
    route: "billing/invoice",
    tag: "billing",
    summary:
      "Your invoice for `month` (YYYY-MM, default this month). `Accept: text/csv` answers CSV.",
    access: { kind: "roles", roles: ["buyer"] },
    query: InvoiceQuerySchema,
    response: InvoiceSchema,
    produces: ["text/csv"],
    async handle({ request, query, caller }) {
      const month = query.month ?? monthOf(new Date());
      const invoice = await invoiceFor(caller.account.id, month);
      return wantsCsv(request) ? csv(invoiceToCsv(invoice), `invoice-${month}.csv`) : json(invoice);
    },
  }),
  endpoint({
    name: "getEarnings",
    method: "GET",
    route: "billing/earnings",
    tag: "billing",
    summary:
      "Your earnings statement for `month` (85% of each job's net). `Accept: text/csv` answers CSV.",
    access: { kind: "roles", roles: ["seller"] },
    query: InvoiceQuerySchema,
    response: EarningsStatementSchema,
    produces: ["text/csv"],
    async handle({ request, query, caller }) {
      const month = query.month ?? monthOf(new Date());
      const accountId = caller.account.id;
      const statement = buildEarningsStatement(await listLedgerEntries(accountId, month), {
        accountId,
        month,
      });
      return wantsCsv(request)
        ? csv(earningsStatementToCsv(statement), `earnings-${month}.csv`)
        : json(statement);
    },
  }),
  endpoint({
    name: "getBillingSummary",
    method: "GET",
    route: "billing/summary",
    tag: "billing",
    summary: "What you spent and earned in `month`.",
    access: { kind: "roles", roles: ["buyer", "seller"] },
    query: InvoiceQuerySchema,
    response: BillingSummarySchema,
    async handle({ query, caller }) {
      return json(await billingSummaryFor(caller.account.id, query.month ?? monthOf(new Date())));
    },
  }),
];
