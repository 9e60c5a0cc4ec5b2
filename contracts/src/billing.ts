// Billing and analytics answers.
import { z } from "zod";
import { IdSchema, MicrosSchema, TimestampSchema } from "./common.js";
import { ResourceTypeSchema } from "./jobs.js";

export const MonthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be YYYY-MM");

export const PricingSchema = z.object({
  currency: z.literal("USD"),
  unit: z.string(),
  rates: z.array(
    z.object({
      resourceType: ResourceTypeSchema,
      /** What one unit-second is (e.g. "core-second", "gpu-second"). */
      per: z.string(),
      microsPerSecond: MicrosSchema,
      usdPerSecond: z.number(),
    }),
  ),
  timeOfUse: z.object({
    timeZone: z.literal("node-local"),
    peak: z.object({
      multiplier: z.number(),
      windows: z.array(z.object({ start: z.string(), end: z.string() })),
    }),
    offPeak: z.object({ multiplier: z.number() }),
    proration: z.string(),
  }),
  platformFeePercent: z.number(),
  sellerSharePercent: z.number(),
  researchDiscountPercent: z.number(),
  metering: z.string(),
});
export type Pricing = z.infer<typeof PricingSchema>;

export const InvoiceQuerySchema = z.object({ month: MonthSchema.optional() });

export const InvoiceLineSchema = z.object({
  jobId: IdSchema,
  at: TimestampSchema,
  description: z.string(),
  resourceType: ResourceTypeSchema,
  seconds: z.number().int().nonnegative(),
  peakSeconds: z.number().int().nonnegative(),
  offPeakSeconds: z.number().int().nonnegative(),
  grossMicros: MicrosSchema,
  discountMicros: MicrosSchema,
  netMicros: MicrosSchema,
});

export const InvoiceSchema = z.object({
  accountId: IdSchema,
  month: MonthSchema,
  currency: z.literal("USD"),
  lines: z.array(InvoiceLineSchema),
  totals: z.object({
    grossMicros: MicrosSchema,
    discountMicros: MicrosSchema,
    netMicros: MicrosSchema,
    platformFeeMicros: MicrosSchema,
  }),
});
export type Invoice = z.infer<typeof InvoiceSchema>;

export const EarningsStatementSchema = z.object({
  accountId: IdSchema,
  month: MonthSchema,
  currency: z.literal("USD"),
  lines: z.array(
    z.object({
      jobId: IdSchema,
      nodeId: IdSchema,
      at: TimestampSchema,
      seconds: z.number().int().nonnegative(),
      jobNetMicros: MicrosSchema,
      platformFeeMicros: MicrosSchema,
      earningMicros: MicrosSchema,
    }),
  ),
  totals: z.object({
    jobNetMicros: MicrosSchema,
    platformFeeMicros: MicrosSchema,
    earningMicros: MicrosSchema,
  }),
});
export type EarningsStatement = z.infer<typeof EarningsStatementSchema>;

export const BillingSummarySchema = z.object({
  accountId: IdSchema,
  month: MonthSchema,
  spentMicros: MicrosSchema,
  earnedMicros: MicrosSchema,
  jobs: z.number().int().nonnegative(),
});

export const UsageAnalyticsSchema = z.object({
  from: TimestampSchema,
  to: TimestampSchema,
  days: z.array(
    z.object({
      day: z.string(),
      jobs: z.number().int().nonnegative(),
      cpuSeconds: z.number().nonnegative(),
      gpuSeconds: z.number().nonnegative(),
      spentMicros: MicrosSchema,
    }),
  ),
});

export const SustainabilityAnalyticsSchema = z.object({
  coefficientsVersion: z.string(),
  methodologyUrl: z.string(),
  totals: z.object({
    energyKwh: z.number().nonnegative(),
    emittedGrams: z.number().nonnegative(),
    avoidedGrams: z.number(),
    treeEquivalents: z.number(),
  }),
  days: z.array(
    z.object({
      day: z.string(),
      energyKwh: z.number().nonnegative(),
      emittedGrams: z.number().nonnegative(),
      avoidedGrams: z.number(),
    }),
  ),
});

/** Public marketplace numbers (landing page). */
export const MarketplaceSummarySchema = z.object({
  nodesOnline: z.number().int().nonnegative(),
  jobsRun: z.number().int().nonnegative(),
  co2eAvoidedKg: z.number(),
  cpuCoresOnline: z.number().int().nonnegative(),
  gpusOnline: z.number().int().nonnegative(),
});
export type MarketplaceSummary = z.infer<typeof MarketplaceSummarySchema>;
