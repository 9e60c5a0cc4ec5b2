import { EarningsStatementSchema, InvoiceSchema } from "@wastecompute/contracts";
import { describe, expect, it } from "vitest";
import { settlementEntries, type Settlement } from "./ledger.js";
import type { LedgerEntry } from "./model.js";
import { priceUsage } from "./pricing.js";
import {
  buildEarningsStatement,
  buildInvoice,
  earningsStatementToCsv,
  invoiceToCsv,
} from "./statements.js";

function settle(
  jobId: string,
  buyerId: string,
  sellerId: string,
  day: number,
  seconds: number,
  research = false,
): LedgerEntry[] {
  const start = new Date(Date.UTC(2026, 2, day, 9, 59, 0) + seconds);
  const settlement: Settlement = {
    jobId,
    buyerId,
    sellerId,
    nodeId: `node-of-${sellerId}`,
    resourceType: "cpu",
    settledAt: new Date(Date.UTC(2026, 2, day, 12)),
    price: priceUsage({
      resourceType: "cpu",
      cpuCores: 1 + (seconds % 5),
      gpuCount: 0,
      start,
      end: new Date(start.getTime() + seconds * 1000 + 333),
      timeZone: "Europe/Berlin",
      researchDiscount: research,
    }),
  };
  return settlementEntries(settlement);
}

const ledger: LedgerEntry[] = [
  ...settle("job-b", "buyer-1", "seller-1", 3, 7_777, true),
  ...settle("job-a", "buyer-1", "seller-2", 3, 61),
  ...settle("job-c", "buyer-1", "seller-1", 20, 3_601, true),
  ...settle("job-d", "buyer-2", "seller-1", 5, 13),
  ...settle("job-e", "buyer-1", "seller-1", 31, 1), // settled 31 March
  ...settle("job-old", "buyer-1", "seller-1", 0, 5), // Date.UTC day 0 = 28 Feb
];

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe("buildInvoice", () => {
  const invoice = buildInvoice(ledger, { accountId: "buyer-1", month: "2026-03" });

  it("has one line per charged job of the account and month, ordered by time then job id", () => {
    expect(invoice.lines.map((l) => l.jobId)).toEqual(["job-a", "job-b", "job-c", "job-e"]);
    expect(InvoiceSchema.parse(invoice)).toBeTruthy();
  });

  it("nets each line's discount and totals are exactly the sums of the lines", () => {
    for (const line of invoice.lines)
      expect(line.grossMicros - line.discountMicros).toBe(line.netMicros);
    expect(invoice.lines.find((l) => l.jobId === "job-a")?.discountMicros).toBe(0);
    expect(invoice.lines.find((l) => l.jobId === "job-b")?.discountMicros).toBeGreaterThan(0);
    expect(invoice.totals).toEqual({
      grossMicros: sum(invoice.lines.map((l) => l.grossMicros)),
      discountMicros: sum(invoice.lines.map((l) => l.discountMicros)),
      netMicros: sum(invoice.lines.map((l) => l.netMicros)),
      platformFeeMicros: sum(invoice.lines.map((l) => l.platformFeeMicros)),
    });
  });

  it("matches what the ledger charged the buyer", () => {
    const mine = ledger.filter((e) => e.accountId === "buyer-1" && e.month === "2026-03");
    const charged = sum(mine.filter((e) => e.kind === "charge").map((e) => e.amountMicros));
    const discounted = sum(mine.filter((e) => e.kind === "discount").map((e) => e.amountMicros));
    expect(invoice.totals.grossMicros).toBe(charged);
    expect(invoice.totals.netMicros).toBe(charged - discounted);
  });

  it("is empty, with zero totals, for a month without jobs", () => {
    const empty = buildInvoice(ledger, { accountId: "buyer-1", month: "2025-12" });
    expect(empty.lines).toEqual([]);
    expect(empty.totals).toEqual({
      grossMicros: 0,
      discountMicros: 0,
      netMicros: 0,
      platformFeeMicros: 0,
    });
  });

  it("renders CSV with a header, one row per line and exact amounts", () => {
    const csv = invoiceToCsv(invoice);
    const rows = csv.trimEnd().split("\r\n");
    expect(rows[0]).toBe(
      "job_id,settled_at,description,resource_type,seconds,peak_seconds,off_peak_seconds,gross_usd,discount_usd,net_usd",
    );
    expect(rows).toHaveLength(invoice.lines.length + 1);
    const netColumn = rows.slice(1).map((r) => Number(r.split(",").at(-1)));
    expect(Math.round(sum(netColumn) * 1_000_000)).toBe(invoice.totals.netMicros);
  });

  it("quotes and defuses hostile descriptions in CSV", () => {
    const hostile = buildInvoice(
      ledger.map((e) =>
        e.kind === "charge" && e.jobId === "job-a" ? { ...e, description: '=cmd|"/c calc",x' } : e,
      ),
      { accountId: "buyer-1", month: "2026-03" },
    );
    expect(invoiceToCsv(hostile)).toContain(
      `job-a,2026-03-03T12:00:00.000Z,"'=cmd|""/c calc"",x",cpu,`,
    );
  });
});

describe("buildEarningsStatement", () => {
  const statement = buildEarningsStatement(ledger, { accountId: "seller-1", month: "2026-03" });

  it("lists the seller's jobs of the month with totals equal to the sums of the lines", () => {
    expect(statement.lines.map((l) => l.jobId)).toEqual(["job-b", "job-d", "job-c", "job-e"]);
    expect(EarningsStatementSchema.parse(statement)).toBeTruthy();
    for (const line of statement.lines)
      expect(line.platformFeeMicros + line.earningMicros).toBe(line.jobNetMicros);
    expect(statement.totals).toEqual({
      jobNetMicros: sum(statement.lines.map((l) => l.jobNetMicros)),
      platformFeeMicros: sum(statement.lines.map((l) => l.platformFeeMicros)),
      earningMicros: sum(statement.lines.map((l) => l.earningMicros)),
    });
    expect(statement.lines[0]?.nodeId).toBe("node-of-seller-1");
  });

  it("renders CSV with a header row", () => {
    const rows = earningsStatementToCsv(statement).trimEnd().split("\r\n");
    expect(rows[0]).toBe(
      "job_id,node_id,settled_at,seconds,job_net_usd,platform_fee_usd,earning_usd",
    );
    expect(rows).toHaveLength(5);
  });
});
