// Shapes shared by every part of the wire protocol.
import { z } from "zod";

/** Ids we mint are URL-safe (the Durable client does not encode instance ids). */
export const IdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "must contain only letters, digits, '-' and '_'");

/** An instant on the wire: ISO-8601 UTC. */
export const TimestampSchema = z.iso.datetime({ offset: true });

/** Money is integer micro-dollars everywhere (1 USD = 1_000_000). */
export const MicrosSchema = z.number().int().nonnegative();

/** RFC 9457 problem details, as every error answer is shaped. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

/** A page of results plus the token that fetches the next one (absent on the last page). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), continuationToken: z.string().optional() });
}

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  continuationToken: z.string().max(4096).optional(),
});

/** IANA time zone name, checked against the runtime's tz database. */
export const TimeZoneSchema = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: "must be an IANA time zone such as Europe/Berlin" },
);
