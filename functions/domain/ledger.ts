// Turns a priced, settled job into immutable ledger entries. Each entry's id is derived from the
// job id and its kind, so writing the same settlement twice (a replayed activity) creates nothing
// new: the store's create-if-absent sees the id already there.
import { ValidationError } from "./errors.js";
import type {
  LedgerEntry,
  LedgerKind,
  PriceLine,
  ResourceType,
  SettlementSummary,
  UsagePrice,
} from "./model.js";

/** The account that receives platform fees (ledger partition key). */
export const PLATFORM_ACCOUNT_ID = "platform";

/** A settled job: who bought, who sold, and its price. */
export interface Settlement {
  jobId: string;
  buyerId: string;
  sellerId: string;
  nodeId: string;
  resourceType: ResourceType;
  price: UsagePrice;
  settledAt: Date;
}

export function ledgerEntryId(jobId: string, kind: LedgerKind): string {
  return `${jobId}:${kind}`;
}

/** `YYYY-MM` of an instant, in UTC: the month an entry is invoiced in. */
export function monthOf(at: Date): string {
  return at.toISOString().slice(0, 7);
}

function assertBalanced(price: UsagePrice): void {
  const errors = [];
  const linesTotal = price.lines.reduce((n, l) => n + l.amountMicros, 0);
  if (linesTotal !== price.grossMicros)
    errors.push({ path: "price.grossMicros", message: "must equal the sum of the lines" });
  if (price.discountMicros + price.netMicros !== price.grossMicros) {
    errors.push({ path: "price.netMicros", message: "discount + net must equal gross" });
  }
  if (price.platformFeeMicros + price.sellerEarningMicros !== price.netMicros) {
    errors.push({ path: "price.sellerEarningMicros", message: "fee + earning must equal net" });
  }
  const amounts = [
    price.grossMicros,
    price.discountMicros,
    price.netMicros,
    price.platformFeeMicros,
    price.sellerEarningMicros,
  ];
  if (amounts.some((a) => !Number.isSafeInteger(a) || a < 0)) {
    errors.push({ path: "price", message: "amounts must be non-negative integer micro-dollars" });
  }
  if (errors.length > 0) throw new ValidationError("the price does not balance", errors);
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "2 GPUs + 8 cores × 3600 s (600 s peak, 3000 s off-peak)" */
function usageDescription(lines: readonly PriceLine[], price: UsagePrice): string {
  const unitsOf = (type: ResourceType) => lines.find((l) => l.resourceType === type)?.units ?? 0;
  const gpus = unitsOf("gpu");
  const cores = plural(unitsOf("cpu"), "core", "cores");
  const what = gpus > 0 ? `${plural(gpus, "GPU", "GPUs")} + ${cores}` : cores;
  return `${what} × ${price.billedSeconds} s (${price.peakSeconds} s peak, ${price.offPeakSeconds} s off-peak)`;
}

/**
 * The entries of one settled job, in the order to write them: charge before discount (an invoice
 * reads a discount only beside its charge), then the seller's earning and the platform's fee.
 * A discount entry exists only when there is a discount.
 */
export function settlementEntries(settlement: Settlement): LedgerEntry[] {
  const { price, jobId } = settlement;
  assertBalanced(price);
  const summary: SettlementSummary = {
    buyerId: settlement.buyerId,
    sellerId: settlement.sellerId,
    nodeId: settlement.nodeId,
    resourceType: settlement.resourceType,
    billedSeconds: price.billedSeconds,
    peakSeconds: price.peakSeconds,
    offPeakSeconds: price.offPeakSeconds,
    grossMicros: price.grossMicros,
    discountMicros: price.discountMicros,
    netMicros: price.netMicros,
    platformFeeMicros: price.platformFeeMicros,
    sellerEarningMicros: price.sellerEarningMicros,
  };
  const entry = (
    kind: LedgerKind,
    accountId: string,
    amountMicros: number,
    description: string,
  ): LedgerEntry => ({
    id: ledgerEntryId(jobId, kind),
    accountId,
    kind,
    jobId,
    amountMicros,
    currency: "USD",
    month: monthOf(settlement.settledAt),
    createdAt: settlement.settledAt.toISOString(),
    description,
    settlement: summary,
  });
  const usage = usageDescription(price.lines, price);
  return [
    entry(
      "charge",
      settlement.buyerId,
      price.grossMicros,
      `${settlement.resourceType} job ${jobId}: ${usage}`,
    ),
    ...(price.discountMicros > 0
      ? [
          entry(
            "discount",
            settlement.buyerId,
            price.discountMicros,
            `research discount on job ${jobId}`,
          ),
        ]
      : []),
    entry(
      "earning",
      settlement.sellerId,
      price.sellerEarningMicros,
      `earning for job ${jobId} on node ${settlement.nodeId}: ${usage}`,
    ),
    entry("fee", PLATFORM_ACCOUNT_ID, price.platformFeeMicros, `platform fee on job ${jobId}`),
  ];
}
