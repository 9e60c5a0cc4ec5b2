// Wall-clock time in an IANA time zone, from the runtime's tz database (Intl). Instants are whole
// epoch seconds here: billing and policy hours never need finer resolution.
import { ValidationError } from "./errors.js";

/** Local calendar fields of an instant. `weekday` 0 = Sunday … 6 = Saturday. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  /** Seconds since local midnight, 0 … 86_399. */
  secondOfDay: number;
  /** Local wall time minus UTC, in seconds (e.g. 7200 for CEST). */
  offsetSeconds: number;
}

export const SECONDS_PER_DAY = 86_400;

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

// Building a formatter costs far more than using one; zones in use are few.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
        weekday: "short",
      });
    } catch {
      throw new ValidationError(`unknown time zone ${JSON.stringify(timeZone)}`, [
        { path: "timeZone", message: "must be an IANA time zone such as Europe/Berlin" },
      ]);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws ValidationError unless the runtime knows `timeZone`. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

export function toEpochSeconds(instant: Date): number {
  return Math.floor(instant.getTime() / 1000);
}

/** The wall clock in `timeZone` at epoch second `epochSecond`. */
export function wallClockAt(epochSecond: number, timeZone: string): WallClock {
  const fields: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochSecond * 1000))) {
    fields[part.type] = part.value;
  }
  const num = (name: string) => Number(fields[name]);
  const year = num("year");
  const month = num("month");
  const day = num("day");
  const hour = num("hour");
  const minute = num("minute");
  const second = num("second");
  const wallAsUtc = Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
  return {
    year,
    month,
    day,
    hour,
    minute,
    second,
    weekday: WEEKDAYS.indexOf(fields["weekday"] ?? ""),
    secondOfDay: hour * 3600 + minute * 60 + second,
    offsetSeconds: wallAsUtc - epochSecond,
  };
}

/**
 * The first epoch second in (from, to] whose UTC offset differs from the offset at `from`, or
 * null when the offset at `to` is unchanged. Assumes at most one change in the range (callers
 * ask about less than a day; zones change offset at most a few times a year).
 */
export function firstOffsetChange(from: number, to: number, timeZone: string): number | null {
  const offset = wallClockAt(from, timeZone).offsetSeconds;
  if (wallClockAt(to, timeZone).offsetSeconds === offset) return null;
  let lo = from;
  let hi = to;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (wallClockAt(mid, timeZone).offsetSeconds === offset) lo = mid;
    else hi = mid;
  }
  return hi;
}
