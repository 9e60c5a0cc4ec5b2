// Integer micro-dollar arithmetic. Amounts never leave the integers until they are formatted at
// the edge, so every split adds back up to its total exactly.

/** 1 USD in micro-dollars. */
export const MICROS_PER_USD = 1_000_000;

/** Throws unless `value` is a safe (exactly representable) integer. */
export function assertSafeMicros(value: number, what = "amount"): number {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${what} must be a safe integer number of micro-dollars, got ${value}`);
  }
  return value;
}

/** Sum of integer amounts, checked to stay exact. */
export function sumMicros(amounts: readonly number[]): number {
  let total = 0;
  for (const amount of amounts) total = assertSafeMicros(total + assertSafeMicros(amount), "sum");
  return total;
}

/**
 * Exact decimal dollars with all six places, e.g. 1234567 → "1.234567", -5 → "-0.000005".
 * Used where figures must add up (CSV, exports).
 */
export function microsToDecimal(micros: number): string {
  assertSafeMicros(micros);
  const sign = micros < 0 ? "-" : "";
  const abs = Math.abs(micros);
  const dollars = Math.floor(abs / MICROS_PER_USD);
  const fraction = String(abs % MICROS_PER_USD).padStart(6, "0");
  return `${sign}${dollars}.${fraction}`;
}

/**
 * Dollars for people to read: cents, half away from zero, thousands separators, e.g.
 * 1234567890 → "$1,234.57". Amounts under a cent but not zero show as "<$0.01" so a small
 * charge never reads as free.
 */
export function formatUsd(micros: number): string {
  assertSafeMicros(micros);
  const sign = micros < 0 ? "-" : "";
  const abs = Math.abs(micros);
  if (abs > 0 && abs < 5_000) return `${sign}<$0.01`;
  const cents = Math.floor((abs + 5_000) / 10_000);
  const dollars = Math.floor(cents / 100).toLocaleString("en-US");
  return `${sign}$${dollars}.${String(cents % 100).padStart(2, "0")}`;
}

/**
 * Splits a non-negative integer `total` in proportion to non-negative integer `weights` by the
 * largest-remainder method: each part gets the floor of its exact share, and the micro-dollars
 * left over go one each to the parts with the largest fractional remainders (earlier parts win
 * ties). The parts always sum to `total`.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  assertSafeMicros(total, "total");
  if (total < 0) throw new RangeError("total must not be negative");
  if (weights.length === 0) throw new RangeError("need at least one weight");
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0)
      throw new RangeError(`weights must be non-negative integers, got ${w}`);
  }
  const weightSum = weights.reduce((a, b) => a + b, 0);
  if (weightSum === 0) throw new RangeError("weights must not all be zero");

  // BigInt keeps total × weight exact even when the product passes 2^53.
  const bigTotal = BigInt(total);
  const bigSum = BigInt(weightSum);
  const shares = weights.map((w, index) => {
    const exact = bigTotal * BigInt(w);
    return { index, floor: exact / bigSum, remainder: exact % bigSum };
  });
  let leftover = bigTotal - shares.reduce((acc, s) => acc + s.floor, 0n);
  const byRemainder = [...shares].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  const parts = shares.map((s) => s.floor);
  for (const share of byRemainder) {
    if (leftover === 0n) break;
    parts[share.index] += 1n;
    leftover -= 1n;
  }
  return parts.map((p) => Number(p));
}
