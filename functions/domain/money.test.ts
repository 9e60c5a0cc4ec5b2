import { describe, expect, it } from "vitest";
import {
  MICROS_PER_USD,
  allocate,
  assertSafeMicros,
  formatUsd,
  microsToDecimal,
  sumMicros,
} from "./money.js";

describe("allocate (largest remainder)", () => {
  it("splits 100 micros 15/85 exactly", () => {
    expect(allocate(100, [15, 85])).toEqual([15, 85]);
  });

  it("hands leftover micros to the largest remainders so parts always sum to the total", () => {
    // 7 × 1500/10000 = 1.05 → 1; 7 × 8500/10000 = 5.95 → 5 (+1 leftover, larger remainder)
    expect(allocate(7, [1500, 8500])).toEqual([1, 6]);
    // thirds: 10 → 3.33 each, the leftover micro goes to the first (tie, earlier wins)
    expect(allocate(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(allocate(1, [1, 1])).toEqual([1, 0]);
  });

  it("keeps the sum exact for many totals and weight sets", () => {
    const weightSets = [
      [1500, 8500],
      [2000, 8000],
      [1, 2, 3, 4],
      [7, 0, 13],
      [3, 3, 3, 3, 3, 3, 3],
    ];
    for (const weights of weightSets) {
      for (let total = 0; total < 2_000; total += 7) {
        const parts = allocate(total, weights);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
        parts.forEach((part, i) => {
          const exact = (total * (weights[i] ?? 0)) / weights.reduce((a, b) => a + b, 0);
          expect(Math.abs(part - exact)).toBeLessThan(1);
        });
      }
    }
  });

  it("stays exact when total × weight passes 2^53", () => {
    const total = Number.MAX_SAFE_INTEGER - 1;
    const parts = allocate(total, [1500, 8500]);
    expect(BigInt(parts[0] ?? 0) + BigInt(parts[1] ?? 0)).toBe(BigInt(total));
  });

  it("gives a zero weight nothing and rejects nonsense", () => {
    expect(allocate(999, [0, 5])).toEqual([0, 999]);
    expect(() => allocate(10, [])).toThrow(RangeError);
    expect(() => allocate(10, [0, 0])).toThrow(RangeError);
    expect(() => allocate(-1, [1])).toThrow(RangeError);
    expect(() => allocate(1.5, [1])).toThrow(RangeError);
    expect(() => allocate(10, [1, -1])).toThrow(RangeError);
  });
});

describe("formatting at the edge", () => {
  it("prints exact six-place decimals", () => {
    expect(microsToDecimal(0)).toBe("0.000000");
    expect(microsToDecimal(1)).toBe("0.000001");
    expect(microsToDecimal(1_234_567)).toBe("1.234567");
    expect(microsToDecimal(-5)).toBe("-0.000005");
    expect(microsToDecimal(12 * MICROS_PER_USD)).toBe("12.000000");
  });

  it("prints cents for people, rounding half away from zero, never showing a charge as free", () => {
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(1_234_567_890)).toBe("$1,234.57");
    expect(formatUsd(4_999)).toBe("<$0.01");
    expect(formatUsd(5_000)).toBe("$0.01");
    expect(formatUsd(14_999)).toBe("$0.01");
    expect(formatUsd(15_000)).toBe("$0.02");
    expect(formatUsd(-2_500_000)).toBe("-$2.50");
  });
});

describe("safe integers", () => {
  it("accepts integers and rejects fractions and unsafe values", () => {
    expect(assertSafeMicros(42)).toBe(42);
    expect(() => assertSafeMicros(0.5)).toThrow(RangeError);
    expect(() => assertSafeMicros(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
    expect(() => assertSafeMicros(Number.NaN)).toThrow(RangeError);
  });

  it("sums exactly and refuses to overflow", () => {
    expect(sumMicros([1, 2, 3])).toBe(6);
    expect(sumMicros([])).toBe(0);
    expect(() => sumMicros([Number.MAX_SAFE_INTEGER, 1])).toThrow(RangeError);
  });
});
