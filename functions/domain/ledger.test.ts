import { describe, expect, it } from "vitest";
import { ValidationError } from "./errors.js";
import {
  PLATFORM_ACCOUNT_ID,
  ledgerEntryId,
  monthOf,
  settlementEntries,
  type Settlement,
} from "./ledger.js";
import { priceUsage } from "./pricing.js";

const settledAt = new Date("2026-01-31T23:59:59.500Z");
const settlement = (
  researchDiscount: boolean,
  resourceType: "cpu" | "gpu" = "cpu",
): Settlement => ({
  jobId: "job-1",
  buyerId: "buyer-1",
  sellerId: "seller-1",
  nodeId: "node-1",
  resourceType,
  settledAt,
  price: priceUsage({
    resourceType,
    cpuCores: 4,
    gpuCount: resourceType === "gpu" ? 2 : 0,
    start: new Date("2026-01-31T10:50:00Z"),
    end: new Date("2026-01-31T11:10:00Z"),
    timeZone: "UTC",
    researchDiscount,
  }),
});

describe("settlementEntries", () => {
  it("writes charge, earning and fee with ids derived from the job and kind", () => {
    const entries = settlementEntries(settlement(false));
    expect(entries.map((e) => [e.id, e.accountId, e.kind])).toEqual([
      ["job-1:charge", "buyer-1", "charge"],
      ["job-1:earning", "seller-1", "earning"],
      ["job-1:fee", PLATFORM_ACCOUNT_ID, "fee"],
    ]);
    // 4 cores × (600 s × 800 + 600 s × 1500) µ$
    const gross = 4 * (600 * 800 + 600 * 1500);
    expect(entries.map((e) => e.amountMicros)).toEqual([gross, gross * 0.85, gross * 0.15]);
    for (const e of entries) {
      expect(e).toMatchObject({
        jobId: "job-1",
        currency: "USD",
        month: "2026-01",
        createdAt: "2026-01-31T23:59:59.500Z",
      });
      expect(e.settlement).toMatchObject({
        buyerId: "buyer-1",
        sellerId: "seller-1",
        nodeId: "node-1",
        billedSeconds: 1200,
      });
    }
    expect(entries[0]?.description).toBe(
      "cpu job job-1: 4 cores × 1200 s (600 s peak, 600 s off-peak)",
    );
  });

  it("adds a discount entry for research accounts and the money balances", () => {
    const entries = settlementEntries(settlement(true));
    const amount = (kind: string) =>
      entries.find((e) => e.kind === kind)?.amountMicros ?? Number.NaN;
    expect(entries.map((e) => e.id)).toEqual([
      "job-1:charge",
      "job-1:discount",
      "job-1:earning",
      "job-1:fee",
    ]);
    expect(amount("charge") - amount("discount")).toBe(amount("earning") + amount("fee"));
    expect(amount("discount")).toBe(amount("charge") * 0.2);
  });

  it("is deterministic: settling the same job twice yields identical entries (same ids)", () => {
    expect(settlementEntries(settlement(true))).toEqual(settlementEntries(settlement(true)));
    expect(ledgerEntryId("job-9", "fee")).toBe("job-9:fee");
  });

  it("describes GPU jobs with their GPUs and cores", () => {
    expect(settlementEntries(settlement(false, "gpu"))[0]?.description).toBe(
      "gpu job job-1: 2 GPUs + 4 cores × 1200 s (600 s peak, 600 s off-peak)",
    );
  });

  it("refuses a price that does not balance", () => {
    const good = settlement(false);
    const bad = {
      ...good,
      price: { ...good.price, sellerEarningMicros: good.price.sellerEarningMicros + 1 },
    };
    expect(() => settlementEntries(bad)).toThrow(ValidationError);
    const badLines = {
      ...good,
      price: {
        ...good.price,
        grossMicros: good.price.grossMicros + 1,
        netMicros: good.price.netMicros + 1,
      },
    };
    expect(() => settlementEntries(badLines)).toThrow(ValidationError);
  });
});

describe("monthOf", () => {
  it("is the UTC month", () => {
    expect(monthOf(settledAt)).toBe("2026-01");
    expect(monthOf(new Date("2026-02-01T00:00:00+01:00"))).toBe("2026-01");
  });
});
