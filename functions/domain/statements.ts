// A buyer's monthly invoice and a seller's monthly earnings statement, built from ledger entries
// alone. Totals are always the sums of the lines, so the two can never disagree; CSV renders the
// exact amounts (six decimal places) so a spreadsheet's sum matches too.
import type { EarningsStatement, Invoice } from "@wastecompute/contracts";
import { textCell, toCsv } from "./csv.js";
import type { LedgerEntry, Month } from "./model.js";
import { microsToDecimal, sumMicros } from "./money.js";

export type InvoiceLine = Invoice["lines"][number] & { platformFeeMicros: number };
/** The contract's invoice, with the platform fee on each line so the fee total is a sum too. */
export type BuyerInvoice = Omit<Invoice, "lines"> & { lines: InvoiceLine[] };

export type EarningsLine = EarningsStatement["lines"][number];

export interface StatementScope {
  accountId: string;
  month: Month;
}

const byTimeThenJob = (a: { at: string; jobId: string }, b: { at: string; jobId: string }) =>
  a.at < b.at ? -1 : a.at > b.at ? 1 : a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0;

const inScope = (scope: StatementScope) => (e: LedgerEntry) =>
  e.accountId === scope.accountId && e.month === scope.month;

/** The buyer's invoice for a month: one line per charged job, net of its discount. */
export function buildInvoice(entries: readonly LedgerEntry[], scope: StatementScope): BuyerInvoice {
  const mine = entries.filter(inScope(scope));
  const discounts = new Map(
    mine.filter((e) => e.kind === "discount").map((e) => [e.jobId, e.amountMicros]),
  );
  const lines: InvoiceLine[] = mine
    .filter((e) => e.kind === "charge")
    .map((charge) => {
      const discountMicros = discounts.get(charge.jobId) ?? 0;
      return {
        jobId: charge.jobId,
        at: charge.createdAt,
        description: charge.description,
        resourceType: charge.settlement.resourceType,
        seconds: charge.settlement.billedSeconds,
        peakSeconds: charge.settlement.peakSeconds,
        offPeakSeconds: charge.settlement.offPeakSeconds,
        grossMicros: charge.amountMicros,
        discountMicros,
        netMicros: charge.amountMicros - discountMicros,
        platformFeeMicros: charge.settlement.platformFeeMicros,
      };
    })
    .sort(byTimeThenJob);
  const total = (pick: (l: InvoiceLine) => number) => sumMicros(lines.map(pick));
  return {
    accountId: scope.accountId,
    month: scope.month,
    currency: "USD",
    lines,
    totals: {
      grossMicros: total((l) => l.grossMicros),
      discountMicros: total((l) => l.discountMicros),
      netMicros: total((l) => l.netMicros),
      platformFeeMicros: total((l) => l.platformFeeMicros),
    },
  };
}

/** The seller's earnings for a month: one line per job their nodes ran. */
export function buildEarningsStatement(
  entries: readonly LedgerEntry[],
  scope: StatementScope,
): EarningsStatement {
  const lines: EarningsLine[] = entries
    .filter(inScope(scope))
    .filter((e) => e.kind === "earning")
    .map((earning) => ({
      jobId: earning.jobId,
      nodeId: earning.settlement.nodeId,
      at: earning.createdAt,
      seconds: earning.settlement.billedSeconds,
      jobNetMicros: earning.settlement.netMicros,
      platformFeeMicros: earning.settlement.platformFeeMicros,
      earningMicros: earning.amountMicros,
    }))
    .sort(byTimeThenJob);
  const total = (pick: (l: EarningsLine) => number) => sumMicros(lines.map(pick));
  return {
    accountId: scope.accountId,
    month: scope.month,
    currency: "USD",
    lines,
    totals: {
      jobNetMicros: total((l) => l.jobNetMicros),
      platformFeeMicros: total((l) => l.platformFeeMicros),
      earningMicros: total((l) => l.earningMicros),
    },
  };
}

const usd = microsToDecimal;

export function invoiceToCsv(invoice: BuyerInvoice): string {
  return toCsv(
    [
      "job_id",
      "settled_at",
      "description",
      "resource_type",
      "seconds",
      "peak_seconds",
      "off_peak_seconds",
      "gross_usd",
      "discount_usd",
      "net_usd",
    ],
    invoice.lines.map((l) => [
      textCell(l.jobId),
      l.at,
      textCell(l.description),
      l.resourceType,
      l.seconds,
      l.peakSeconds,
      l.offPeakSeconds,
      usd(l.grossMicros),
      usd(l.discountMicros),
      usd(l.netMicros),
    ]),
  );
}

export function earningsStatementToCsv(statement: EarningsStatement): string {
  return toCsv(
    [
      "job_id",
      "node_id",
      "settled_at",
      "seconds",
      "job_net_usd",
      "platform_fee_usd",
      "earning_usd",
    ],
    statement.lines.map((l) => [
      textCell(l.jobId),
      textCell(l.nodeId),
      l.at,
      l.seconds,
      usd(l.jobNetMicros),
      usd(l.platformFeeMicros),
      usd(l.earningMicros),
    ]),
  );
}
