// Percentiles and number formatting for benchmark output.

/** Nearest-rank percentile of `values` (p in 0..100). */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarise(values) {
  return {
    count: values.length,
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    max: Math.max(...values),
  };
}

export const ms = (value, digits = 2) => `${value.toFixed(digits)} ms`;

export const perSecond = (value) => `${value.toFixed(0)}/s`;

/** "met" or "MISSED" against a target, for the figures' last column. */
export const verdict = (met) => (met ? "met" : "MISSED");
