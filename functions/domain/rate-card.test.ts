import { PricingSchema } from "@wastecompute/contracts";
import { describe, expect, it } from "vitest";
import { RATE_CARD, describeRateCard } from "./rate-card.js";

describe("rate card", () => {
  it("charges $0.001 per core-second and $0.005 per GPU-second", () => {
    expect(RATE_CARD.unitMicrosPerSecond).toEqual({ cpu: 1_000, gpu: 5_000 });
  });

  it("describes itself in the shape of GET /api/billing/pricing", () => {
    const description = PricingSchema.parse(describeRateCard());
    expect(description.rates).toEqual([
      expect.objectContaining({ resourceType: "cpu", microsPerSecond: 1000, usdPerSecond: 0.001 }),
      expect.objectContaining({ resourceType: "gpu", microsPerSecond: 5000, usdPerSecond: 0.005 }),
    ]);
    expect(description.timeOfUse.peak).toEqual({
      multiplier: 1.5,
      windows: [
        { start: "09:00", end: "11:00" },
        { start: "14:00", end: "16:00" },
      ],
    });
    expect(description.timeOfUse.offPeak.multiplier).toBe(0.8);
    expect(description.platformFeePercent).toBe(15);
    expect(description.sellerSharePercent).toBe(85);
    expect(description.researchDiscountPercent).toBe(20);
    expect(description.metering).toMatch(/rounded up to whole seconds, at least 1 s/);
  });
});
