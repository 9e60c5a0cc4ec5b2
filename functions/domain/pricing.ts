// Prices one job's usage: whole seconds, split at peak/off-peak edges on the node's clock, each
// resource at its rate, then discount, platform fee and seller earning — all exact integers.
import { ValidationError } from "./errors.js";
import { assertTimeZone, toEpochSeconds } from "./local-time.js";
import type { PriceBand, PriceLine, ResourceType, UsagePrice } from "./model.js";
import { allocate, assertSafeMicros, sumMicros } from "./money.js";
import { BASIS_POINTS, PERMILLE, RATE_CARD, type RateCard } from "./rate-card.js";
import { bandAt, splitByTimeOfUse } from "./time-of-use.js";

/** What was used, where and by whom: everything the price depends on. */
export interface UsageToPrice {
  resourceType: ResourceType;
  /** Requested cores (billed whether or not they were busy). */
  cpuCores: number;
  /** Requested GPUs; 0 for cpu jobs. */
  gpuCount: number;
  start: Date;
  end: Date;
  /** The node's IANA time zone: time-of-use bands follow its local clock. */
  timeZone: string;
  /** The buyer's account is flagged `research`. */
  researchDiscount: boolean;
}

/** Whole seconds billed for a run from `start` to `end`: wall time rounded up, at least the minimum. */
export function billedSeconds(start: Date, end: Date, card: RateCard = RATE_CARD): number {
  const elapsedMs = end.getTime() - start.getTime();
  if (!Number.isFinite(elapsedMs) || elapsedMs < 0) {
    throw new ValidationError("a job cannot end before it starts", [
      { path: "end", message: "must not be before start" },
    ]);
  }
  return Math.max(card.minimumBilledSeconds, Math.ceil(elapsedMs / 1000));
}

function multiplierPermille(band: PriceBand, card: RateCard): number {
  return band === "peak" ? card.peakMultiplierPermille : card.offPeakMultiplierPermille;
}

/** Billed units per resource: every job pays its cores; GPU jobs also pay their GPUs. */
function billedUnits(usage: Pick<UsageToPrice, "cpuCores" | "gpuCount">): [ResourceType, number][] {
  const units: [ResourceType, number][] = [["cpu", usage.cpuCores]];
  if (usage.gpuCount > 0) units.push(["gpu", usage.gpuCount]);
  return units;
}

function validateUnits(usage: Pick<UsageToPrice, "resourceType" | "cpuCores" | "gpuCount">): void {
  const errors = [];
  if (!Number.isSafeInteger(usage.cpuCores) || usage.cpuCores < 1) {
    errors.push({ path: "cpuCores", message: "must be a whole number of at least 1" });
  }
  if (!Number.isSafeInteger(usage.gpuCount) || usage.gpuCount < 0) {
    errors.push({ path: "gpuCount", message: "must be a whole number of at least 0" });
  }
  if (usage.resourceType === "gpu" && usage.gpuCount < 1) {
    errors.push({ path: "gpuCount", message: "a gpu job needs at least one GPU" });
  }
  if (usage.resourceType === "cpu" && usage.gpuCount > 0) {
    errors.push({ path: "gpuCount", message: "a cpu job has no GPUs" });
  }
  if (errors.length > 0) throw new ValidationError("usage cannot be priced", errors);
}

/** seconds × units × rate × multiplier, rounded half up to a whole micro-dollar. */
function lineAmount(seconds: number, units: number, unitMicros: number, permille: number): number {
  const exact = BigInt(seconds) * BigInt(units) * BigInt(unitMicros) * BigInt(permille);
  const perMille = BigInt(PERMILLE);
  return assertSafeMicros(Number((exact * 2n + perMille) / (2n * perMille)), "line amount");
}

/** The full price of one job's usage. */
export function priceUsage(usage: UsageToPrice, card: RateCard = RATE_CARD): UsagePrice {
  validateUnits(usage);
  assertTimeZone(usage.timeZone);
  const seconds = billedSeconds(usage.start, usage.end, card);
  const startSecond = toEpochSeconds(usage.start);
  const segments = splitByTimeOfUse(
    startSecond,
    startSecond + seconds,
    usage.timeZone,
    card.peakWindows,
  );
  const secondsIn = (band: PriceBand) =>
    segments.filter((s) => s.band === band).reduce((total, s) => total + s.seconds, 0);
  const bandSeconds: [PriceBand, number][] = [
    ["peak", secondsIn("peak")],
    ["offpeak", secondsIn("offpeak")],
  ];

  const lines: PriceLine[] = [];
  for (const [resourceType, units] of billedUnits(usage)) {
    for (const [band, bandTotal] of bandSeconds) {
      if (bandTotal === 0) continue;
      const unitMicros = card.unitMicrosPerSecond[resourceType];
      const permille = multiplierPermille(band, card);
      lines.push({
        resourceType,
        band,
        seconds: bandTotal,
        units,
        unitMicrosPerSecond: unitMicros,
        multiplierPermille: permille,
        amountMicros: lineAmount(bandTotal, units, unitMicros, permille),
      });
    }
  }

  const grossMicros = sumMicros(lines.map((l) => l.amountMicros));
  const discountBps = usage.researchDiscount ? card.researchDiscountBps : 0;
  const [discountMicros = 0, netMicros = 0] = allocate(grossMicros, [
    discountBps,
    BASIS_POINTS - discountBps,
  ]);
  const [platformFeeMicros = 0, sellerEarningMicros = 0] = allocate(netMicros, [
    card.platformFeeBps,
    BASIS_POINTS - card.platformFeeBps,
  ]);

  return {
    rateCardVersion: card.version,
    currency: "USD",
    timeZone: usage.timeZone,
    billedSeconds: seconds,
    peakSeconds: secondsIn("peak"),
    offPeakSeconds: secondsIn("offpeak"),
    lines,
    grossMicros,
    discountMicros,
    netMicros,
    platformFeeMicros,
    sellerEarningMicros,
  };
}

/**
 * What one second of a request costs the buyer at `at` on the node's clock, before any discount.
 * Placement compares it with a seller's price floor.
 */
export function microsPerSecondAt(
  request: Pick<UsageToPrice, "cpuCores" | "gpuCount">,
  at: Date,
  timeZone: string,
  card: RateCard = RATE_CARD,
): number {
  const permille = multiplierPermille(bandAt(toEpochSeconds(at), timeZone, card.peakWindows), card);
  return sumMicros(
    billedUnits(request).map(([resourceType, units]) =>
      lineAmount(1, units, card.unitMicrosPerSecond[resourceType], permille),
    ),
  );
}
