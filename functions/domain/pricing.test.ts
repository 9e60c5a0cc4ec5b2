import { describe, expect, it } from "vitest";
import { ValidationError } from "./errors.js";
import type { UsagePrice } from "./model.js";
import { billedSeconds, microsPerSecondAt, priceUsage, type UsageToPrice } from "./pricing.js";
import { RATE_CARD } from "./rate-card.js";

const cpuJob = (
  start: string,
  end: string,
  overrides: Partial<UsageToPrice> = {},
): UsageToPrice => ({
  resourceType: "cpu",
  cpuCores: 1,
  gpuCount: 0,
  start: new Date(start),
  end: new Date(end),
  timeZone: "Europe/Berlin",
  researchDiscount: false,
  ...overrides,
});

function expectExactSums(price: UsagePrice): void {
  expect(price.lines.reduce((n, l) => n + l.amountMicros, 0)).toBe(price.grossMicros);
  expect(price.discountMicros + price.netMicros).toBe(price.grossMicros);
  expect(price.platformFeeMicros + price.sellerEarningMicros).toBe(price.netMicros);
  expect(price.peakSeconds + price.offPeakSeconds).toBe(price.billedSeconds);
  for (const v of [
    price.grossMicros,
    price.discountMicros,
    price.netMicros,
    price.platformFeeMicros,
  ]) {
    expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
  }
}

describe("billedSeconds", () => {
  it("rounds wall time up to whole seconds with a 1-second minimum", () => {
    const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
    expect(billedSeconds(at(0), at(0))).toBe(1);
    expect(billedSeconds(at(0), at(200))).toBe(1);
    expect(billedSeconds(at(0), at(1000))).toBe(1);
    expect(billedSeconds(at(0), at(1001))).toBe(2);
    expect(billedSeconds(at(0), at(3_600_000))).toBe(3600);
  });

  it("refuses an end before the start", () => {
    expect(() => billedSeconds(new Date(2000), new Date(1000))).toThrow(ValidationError);
    expect(() => billedSeconds(new Date(Number.NaN), new Date(1000))).toThrow(ValidationError);
  });
});

describe("priceUsage", () => {
  it("prorates to the second across 11:00 local: 30 s at ×1.5 and 30 s at ×0.8", () => {
    const price = priceUsage(cpuJob("2026-01-15T10:59:30+01:00", "2026-01-15T11:00:30+01:00"));
    expect(price.lines).toEqual([
      {
        resourceType: "cpu",
        band: "peak",
        seconds: 30,
        units: 1,
        unitMicrosPerSecond: 1000,
        multiplierPermille: 1500,
        amountMicros: 45_000,
      },
      {
        resourceType: "cpu",
        band: "offpeak",
        seconds: 30,
        units: 1,
        unitMicrosPerSecond: 1000,
        multiplierPermille: 800,
        amountMicros: 24_000,
      },
    ]);
    expect(price).toMatchObject({
      billedSeconds: 60,
      peakSeconds: 30,
      offPeakSeconds: 30,
      grossMicros: 69_000,
      discountMicros: 0,
      netMicros: 69_000,
      platformFeeMicros: 10_350,
      sellerEarningMicros: 58_650,
      rateCardVersion: RATE_CARD.version,
      timeZone: "Europe/Berlin",
    });
    expectExactSums(price);
  });

  it("uses the node's zone, not UTC: the same instants are all off-peak in New York", () => {
    const price = priceUsage(
      cpuJob("2026-01-15T10:59:30+01:00", "2026-01-15T11:00:30+01:00", {
        timeZone: "America/New_York",
      }),
    );
    expect([price.peakSeconds, price.offPeakSeconds, price.grossMicros]).toEqual([0, 60, 48_000]);
  });

  it("prorates across 16:00 and into peak at 14:00 for a multi-core job", () => {
    // 13:50 → 16:10 local New York (EST): 10 min off, 2 h peak, 10 min off
    const price = priceUsage(
      cpuJob("2026-02-02T13:50:00-05:00", "2026-02-02T16:10:00-05:00", {
        cpuCores: 4,
        timeZone: "America/New_York",
      }),
    );
    expect(price.peakSeconds).toBe(7200);
    expect(price.offPeakSeconds).toBe(1200);
    expect(price.grossMicros).toBe(4 * (7200 * 1500 + 1200 * 800));
    expectExactSums(price);
  });

  it("prices a job across midnight as off-peak only", () => {
    const price = priceUsage(cpuJob("2026-01-15T23:59:00+01:00", "2026-01-16T00:01:00+01:00"));
    expect(price.lines).toHaveLength(1);
    expect(price.lines[0]).toMatchObject({ band: "offpeak", seconds: 120, amountMicros: 96_000 });
  });

  it("bills the real elapsed seconds over the Berlin spring-forward night (11 h, not 12)", () => {
    const price = priceUsage(cpuJob("2026-03-29T00:00:00+01:00", "2026-03-29T12:00:00+02:00"));
    expect(price.billedSeconds).toBe(11 * 3600);
    expect(price.peakSeconds).toBe(2 * 3600);
    expect(price.offPeakSeconds).toBe(9 * 3600);
    expectExactSums(price);
  });

  it("bills the real elapsed seconds over the Berlin fall-back night (13 h, not 12)", () => {
    const price = priceUsage(cpuJob("2026-10-25T00:00:00+02:00", "2026-10-25T12:00:00+01:00"));
    expect(price.billedSeconds).toBe(13 * 3600);
    expect(price.peakSeconds).toBe(2 * 3600);
    expect(price.offPeakSeconds).toBe(11 * 3600);
  });

  it("prices a job running through the DST jump itself as one off-peak hour", () => {
    const price = priceUsage(cpuJob("2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00"));
    expect(price.lines).toEqual([expect.objectContaining({ band: "offpeak", seconds: 3600 })]);
  });

  it("prices a three-day job with 4 peak hours a day", () => {
    const price = priceUsage(
      cpuJob("2026-05-04T00:00:00Z", "2026-05-07T00:00:00Z", { timeZone: "UTC", cpuCores: 2 }),
    );
    expect(price.peakSeconds).toBe(3 * 4 * 3600);
    expect(price.offPeakSeconds).toBe(3 * 20 * 3600);
    expect(price.grossMicros).toBe(2 * (43_200 * 1500 + 216_000 * 800));
    expectExactSums(price);
  });

  it("bills a 0-second job as 1 second and a 1-second job as 1 second", () => {
    const zero = priceUsage(cpuJob("2026-01-15T12:00:00Z", "2026-01-15T12:00:00Z"));
    const one = priceUsage(cpuJob("2026-01-15T12:00:00Z", "2026-01-15T12:00:01Z"));
    for (const price of [zero, one]) {
      expect(price.billedSeconds).toBe(1);
      expect(price.grossMicros).toBe(800);
      expect(price.platformFeeMicros + price.sellerEarningMicros).toBe(800);
    }
  });

  it("meters from the whole second the job started in, rounding the elapsed time up", () => {
    // 59.5 s elapsed → 60 s from 10:59:30 local: 30 peak + 30 off-peak
    const price = priceUsage(
      cpuJob("2026-01-15T10:59:30.700+01:00", "2026-01-15T11:00:30.200+01:00"),
    );
    expect([price.billedSeconds, price.peakSeconds, price.offPeakSeconds]).toEqual([60, 30, 30]);
  });

  it("charges a GPU job for its GPUs and its cores", () => {
    const price = priceUsage(
      cpuJob("2026-01-15T18:00:00+01:00", "2026-01-15T19:00:00+01:00", {
        resourceType: "gpu",
        gpuCount: 2,
        cpuCores: 8,
      }),
    );
    expect(price.lines.map((l) => [l.resourceType, l.band, l.amountMicros])).toEqual([
      ["cpu", "offpeak", 8 * 3600 * 800],
      ["gpu", "offpeak", 2 * 3600 * 4000],
    ]);
    expect(price.grossMicros).toBe(51_840_000);
    expectExactSums(price);
  });

  it("takes 20% off for research accounts, then splits the net 15/85", () => {
    const price = priceUsage(
      cpuJob("2026-01-15T10:59:30+01:00", "2026-01-15T11:00:30+01:00", { researchDiscount: true }),
    );
    expect(price).toMatchObject({
      grossMicros: 69_000,
      discountMicros: 13_800,
      netMicros: 55_200,
      platformFeeMicros: 8_280,
      sellerEarningMicros: 46_920,
    });
  });

  it("keeps every sum exact whatever the rates round to", () => {
    const oddCard = {
      ...RATE_CARD,
      unitMicrosPerSecond: { cpu: 333, gpu: 1_777 },
      peakMultiplierPermille: 1_333,
      offPeakMultiplierPermille: 777,
      researchDiscountBps: 1_234,
      platformFeeBps: 1_501,
    };
    const base = Date.parse("2026-03-27T05:00:00Z");
    for (let i = 0; i < 60; i++) {
      const start = new Date(base + i * 7_919_000 + i * 37);
      const end = new Date(start.getTime() + i * 1_234_567 + 1);
      const price = priceUsage(
        {
          resourceType: i % 3 === 0 ? "gpu" : "cpu",
          cpuCores: 1 + (i % 7),
          gpuCount: i % 3 === 0 ? 1 + (i % 4) : 0,
          start,
          end,
          timeZone: i % 2 === 0 ? "Europe/Berlin" : "Asia/Kolkata",
          researchDiscount: i % 2 === 1,
        },
        oddCard,
      );
      expectExactSums(price);
    }
  });

  it("rejects usage it cannot price, naming the fields", () => {
    const bad = (overrides: Partial<UsageToPrice>) => () =>
      priceUsage(cpuJob("2026-01-15T10:00:00Z", "2026-01-15T11:00:00Z", overrides));
    expect(bad({ cpuCores: 0 })).toThrow(ValidationError);
    expect(bad({ gpuCount: 1 })).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ path: "gpuCount" })] }),
    );
    expect(bad({ resourceType: "gpu" })).toThrow(ValidationError);
    expect(bad({ timeZone: "Nowhere/Special" })).toThrow(ValidationError);
    expect(bad({ end: new Date("2026-01-15T09:00:00Z") })).toThrow(ValidationError);
  });
});

describe("microsPerSecondAt", () => {
  it("gives the request's price for one second in the band in force on the node's clock", () => {
    expect(
      microsPerSecondAt(
        { cpuCores: 1, gpuCount: 0 },
        new Date("2026-01-15T10:00:00+01:00"),
        "Europe/Berlin",
      ),
    ).toBe(1500);
    expect(
      microsPerSecondAt(
        { cpuCores: 4, gpuCount: 2 },
        new Date("2026-01-15T12:00:00+01:00"),
        "Europe/Berlin",
      ),
    ).toBe(4 * 800 + 2 * 4000);
  });
});
