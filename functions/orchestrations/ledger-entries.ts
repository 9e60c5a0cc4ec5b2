// The ledger entries of one settled job: buyer charge (and discount), seller earning, platform
// fee. Ids are `${jobId}:${kind}` so writing them again is a no-op.
import type { JobDoc, LedgerEntry, LedgerKind, NodeDoc, SettlementSummary, UsagePrice } from "../domain/model.js";

/** The platform's own ledger partition (fees). */
export const PLATFORM_ACCOUNT_ID = "platform";

export function settlementEntries(job: JobDoc, node: Pick<NodeDoc, "id" | "sellerId">, price: UsagePrice, at: string): LedgerEntry[] {
  const settlement: SettlementSummary = {
    buyerId: job.buyerId,
    sellerId: node.sellerId,
    nodeId: node.id,
    resourceType: job.resourceType,
    billedSeconds: price.billedSeconds,
    peakSeconds: price.peakSeconds,
    offPeakSeconds: price.offPeakSeconds,
    grossMicros: price.grossMicros,
    discountMicros: price.discountMicros,
    netMicros: price.netMicros,
    platformFeeMicros: price.platformFeeMicros,
    sellerEarningMicros: price.sellerEarningMicros,
  };
  const entry = (kind: LedgerKind, accountId: string, amountMicros: number, description: string): LedgerEntry => ({
    id: `${job.id}:${kind}`,
    accountId,
    kind,
    jobId: job.id,
    amountMicros,
    currency: "USD",
    month: at.slice(0, 7),
    createdAt: at,
    description,
    settlement,
  });
  const entries = [
    entry("charge", job.buyerId, price.grossMicros, `${job.resourceType} job ${job.id}, ${price.billedSeconds} s`),
    entry("earning", node.sellerId, price.sellerEarningMicros, `job ${job.id} on node ${node.id}`),
    entry("fee", PLATFORM_ACCOUNT_ID, price.platformFeeMicros, `platform fee on job ${job.id}`),
  ];
  if (price.discountMicros > 0) entries.push(entry("discount", job.buyerId, price.discountMicros, `research discount on job ${job.id}`));
  return entries;
}
