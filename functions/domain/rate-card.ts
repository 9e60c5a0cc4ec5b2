// The rate card: what a second of compute costs, when it costs more, and how the money is split.
// docs/pricing.md explains every figure; GET /api/billing/pricing shows describeRateCard().
import type { Pricing } from "@wastecompute/contracts";
import type { ResourceType } from "./model.js";
import { MICROS_PER_USD } from "./money.js";

/** A daily local-time window [startHour, endHour), in the node's time zone. */
export interface HourWindow {
  startHour: number;
  endHour: number;
}

export interface RateCard {
  version: string;
  /**
   * Micro-dollars per unit-second before time-of-use. cpu: per requested core-second (every job,
   * GPU jobs included); gpu: per requested GPU-second, on top of the job's cores.
   */
  unitMicrosPerSecond: Record<ResourceType, number>;
  /** Time-of-use multipliers in thousandths, so amounts stay integers. */
  peakMultiplierPermille: number;
  offPeakMultiplierPermille: number;
  peakWindows: HourWindow[];
  /** Share of what the buyer pays (net) kept by the platform, in basis points. */
  platformFeeBps: number;
  /** Discount on the gross price for accounts flagged `research`, in basis points. */
  researchDiscountBps: number;
  /** The shortest billed duration for a job that started. */
  minimumBilledSeconds: number;
}

export const BASIS_POINTS = 10_000;
export const PERMILLE = 1_000;

export const RATE_CARD: RateCard = {
  version: "wc-rates-2026.1",
  unitMicrosPerSecond: { cpu: 1_000, gpu: 5_000 },
  peakMultiplierPermille: 1_500,
  offPeakMultiplierPermille: 800,
  peakWindows: [
    { startHour: 9, endHour: 11 },
    { startHour: 14, endHour: 16 },
  ],
  platformFeeBps: 1_500,
  researchDiscountBps: 2_000,
  minimumBilledSeconds: 1,
};

const UNIT_NAMES: Record<ResourceType, string> = {
  cpu: "core-second (every requested core; GPU jobs pay for their cores too)",
  gpu: "gpu-second (every requested GPU, on top of the job's cores)",
};

const hhmm = (hour: number) => `${String(hour).padStart(2, "0")}:00`;
const percent = (bps: number) => bps / 100;

/** The public description of a rate card (the body of GET /api/billing/pricing). */
export function describeRateCard(card: RateCard = RATE_CARD): Pricing {
  const resourceTypes: ResourceType[] = ["cpu", "gpu"];
  return {
    currency: "USD",
    unit: "micro-dollars (1 USD = 1,000,000)",
    rates: resourceTypes.map((resourceType) => ({
      resourceType,
      per: UNIT_NAMES[resourceType],
      microsPerSecond: card.unitMicrosPerSecond[resourceType],
      usdPerSecond: card.unitMicrosPerSecond[resourceType] / MICROS_PER_USD,
    })),
    timeOfUse: {
      timeZone: "node-local",
      peak: {
        multiplier: card.peakMultiplierPermille / PERMILLE,
        windows: card.peakWindows.map((w) => ({ start: hhmm(w.startHour), end: hhmm(w.endHour) })),
      },
      offPeak: { multiplier: card.offPeakMultiplierPermille / PERMILLE },
      proration:
        "every second is priced at the band in force at that second on the node's local clock " +
        "(IANA time zone, daylight saving included), so a job crossing a window edge pays each band for its own seconds",
    },
    platformFeePercent: percent(card.platformFeeBps),
    sellerSharePercent: percent(BASIS_POINTS - card.platformFeeBps),
    researchDiscountPercent: percent(card.researchDiscountBps),
    metering:
      `wall time from start to finish, rounded up to whole seconds, at least ${card.minimumBilledSeconds} s; ` +
      "the platform fee and the seller's share are taken from what the buyer pays after any discount",
  };
}
