// Splits a stretch of time into peak and off-peak pieces by the node's local clock. The walk
// steps from one local window edge to the next and also stops at every UTC-offset change, so
// days of 23 or 25 hours (daylight saving) are priced by the seconds that really elapsed.
import type { PriceBand } from "./model.js";
import type { HourWindow } from "./rate-card.js";
import { SECONDS_PER_DAY, firstOffsetChange, wallClockAt } from "./local-time.js";

/** A run of consecutive seconds in one band: [startSecond, startSecond + seconds). */
export interface BandSegment {
  band: PriceBand;
  startSecond: number;
  seconds: number;
}

function edgesOfDay(windows: readonly HourWindow[]): number[] {
  const edges = new Set<number>([SECONDS_PER_DAY]);
  for (const w of windows) {
    edges.add(w.startHour * 3600);
    edges.add(w.endHour * 3600);
  }
  return [...edges].sort((a, b) => a - b);
}

function bandOfSecondOfDay(secondOfDay: number, windows: readonly HourWindow[]): PriceBand {
  return windows.some((w) => secondOfDay >= w.startHour * 3600 && secondOfDay < w.endHour * 3600)
    ? "peak"
    : "offpeak";
}

/** The band in force at an epoch second on the local clock of `timeZone`. */
export function bandAt(
  epochSecond: number,
  timeZone: string,
  windows: readonly HourWindow[],
): PriceBand {
  return bandOfSecondOfDay(wallClockAt(epochSecond, timeZone).secondOfDay, windows);
}

/**
 * Peak/off-peak segments covering [startSecond, endSecond) (epoch seconds), in order, with
 * neighbours in the same band merged. Empty when the range is empty.
 */
export function splitByTimeOfUse(
  startSecond: number,
  endSecond: number,
  timeZone: string,
  windows: readonly HourWindow[],
): BandSegment[] {
  const edges = edgesOfDay(windows);
  const segments: BandSegment[] = [];
  let t = startSecond;
  while (t < endSecond) {
    const clock = wallClockAt(t, timeZone);
    const band = bandOfSecondOfDay(clock.secondOfDay, windows);
    const nextEdge = edges.find((edge) => edge > clock.secondOfDay) ?? SECONDS_PER_DAY;
    let stop = Math.min(t + (nextEdge - clock.secondOfDay), endSecond);
    // Wall-clock arithmetic holds only while the offset stays put; at a change, re-read the clock.
    stop = firstOffsetChange(t, stop, timeZone) ?? stop;
    const last = segments.at(-1);
    if (last && last.band === band) last.seconds += stop - t;
    else segments.push({ band, startSecond: t, seconds: stop - t });
    t = stop;
  }
  return segments;
}
