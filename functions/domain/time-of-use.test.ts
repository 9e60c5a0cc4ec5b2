import { describe, expect, it } from "vitest";
import { toEpochSeconds, wallClockAt } from "./local-time.js";
import { RATE_CARD } from "./rate-card.js";
import { bandAt, splitByTimeOfUse, type BandSegment } from "./time-of-use.js";

const windows = RATE_CARD.peakWindows;
const sec = (iso: string) => toEpochSeconds(new Date(iso));
const total = (segments: BandSegment[], band: "peak" | "offpeak") =>
  segments.filter((s) => s.band === band).reduce((n, s) => n + s.seconds, 0);

describe("bandAt", () => {
  it("is peak from 09:00 to 11:00 and 14:00 to 16:00 local, off-peak otherwise (edges half-open)", () => {
    const at = (local: string) =>
      bandAt(sec(`2026-01-15T${local}+01:00`), "Europe/Berlin", windows);
    expect(at("08:59:59")).toBe("offpeak");
    expect(at("09:00:00")).toBe("peak");
    expect(at("10:59:59")).toBe("peak");
    expect(at("11:00:00")).toBe("offpeak");
    expect(at("13:59:59")).toBe("offpeak");
    expect(at("14:00:00")).toBe("peak");
    expect(at("15:59:59")).toBe("peak");
    expect(at("16:00:00")).toBe("offpeak");
  });
});

describe("splitByTimeOfUse", () => {
  it("splits a job across 11:00 into its peak and off-peak seconds", () => {
    const segments = splitByTimeOfUse(
      sec("2026-01-15T10:59:30+01:00"),
      sec("2026-01-15T11:00:30+01:00"),
      "Europe/Berlin",
      windows,
    );
    expect(segments).toEqual([
      { band: "peak", startSecond: sec("2026-01-15T10:59:30+01:00"), seconds: 30 },
      { band: "offpeak", startSecond: sec("2026-01-15T11:00:00+01:00"), seconds: 30 },
    ]);
  });

  it("covers a whole day with 4 peak hours, merging neighbours in the same band", () => {
    const segments = splitByTimeOfUse(
      sec("2026-01-15T00:00:00Z"),
      sec("2026-01-16T00:00:00Z"),
      "UTC",
      windows,
    );
    expect(segments.map((s) => [s.band, s.seconds / 3600])).toEqual([
      ["offpeak", 9],
      ["peak", 2],
      ["offpeak", 3],
      ["peak", 2],
      ["offpeak", 8],
    ]);
  });

  it("returns nothing for an empty range", () => {
    expect(splitByTimeOfUse(100, 100, "UTC", windows)).toEqual([]);
  });

  it("counts the real seconds of the 23-hour and 25-hour days in Berlin", () => {
    const spring = splitByTimeOfUse(
      sec("2026-03-29T00:00:00+01:00"),
      sec("2026-03-30T00:00:00+02:00"),
      "Europe/Berlin",
      windows,
    );
    expect(total(spring, "peak")).toBe(4 * 3600);
    expect(total(spring, "offpeak")).toBe(19 * 3600);
    const autumn = splitByTimeOfUse(
      sec("2026-10-25T00:00:00+02:00"),
      sec("2026-10-26T00:00:00+01:00"),
      "Europe/Berlin",
      windows,
    );
    expect(total(autumn, "peak")).toBe(4 * 3600);
    expect(total(autumn, "offpeak")).toBe(21 * 3600);
  });

  it("segments always tile the range with no gaps or overlaps", () => {
    const start = sec("2026-03-27T07:13:11Z");
    const end = sec("2026-04-01T18:47:53Z");
    const segments = splitByTimeOfUse(start, end, "America/New_York", windows);
    let cursor = start;
    for (const s of segments) {
      expect(s.startSecond).toBe(cursor);
      expect(s.seconds).toBeGreaterThan(0);
      cursor += s.seconds;
    }
    expect(cursor).toBe(end);
    for (let i = 1; i < segments.length; i++)
      expect(segments[i]?.band).not.toBe(segments[i - 1]?.band);
  });

  // Band edges and offset changes fall on whole minutes in these zones, so the band of each
  // minute's first second is the band of the whole minute: a brute-force oracle to compare with.
  it.each([
    ["Europe/Berlin", "2026-03-28T12:00:00Z"],
    ["Europe/Berlin", "2026-10-24T12:00:00Z"],
    ["America/New_York", "2026-03-07T12:00:00Z"],
    ["America/Santiago", "2026-04-03T12:00:00Z"],
    ["America/Santiago", "2026-09-05T12:00:00Z"],
    ["Australia/Lord_Howe", "2026-04-04T00:00:00Z"],
    ["Asia/Kathmandu", "2026-06-01T00:00:00Z"],
  ])("matches a minute-by-minute oracle over two days in %s from %s", (timeZone, fromIso) => {
    const start = sec(fromIso);
    const end = start + 2 * 86_400;
    const expected = { peak: 0, offpeak: 0 };
    for (let t = start; t < end; t += 60) expected[bandAt(t, timeZone, windows)] += 60;
    const segments = splitByTimeOfUse(start, end, timeZone, windows);
    expect({ peak: total(segments, "peak"), offpeak: total(segments, "offpeak") }).toEqual(
      expected,
    );
    // and each segment really is in its band at both ends
    for (const s of segments) {
      expect(bandAt(s.startSecond, timeZone, windows)).toBe(s.band);
      expect(bandAt(s.startSecond + s.seconds - 1, timeZone, windows)).toBe(s.band);
    }
  });

  it("the oracle's days really include an offset change (the DST cases are not vacuous)", () => {
    const offsets = (timeZone: string, fromIso: string) =>
      new Set([0, 1, 2].map((d) => wallClockAt(sec(fromIso) + d * 86_400, timeZone).offsetSeconds))
        .size;
    expect(offsets("Europe/Berlin", "2026-03-28T12:00:00Z")).toBe(2);
    expect(offsets("Europe/Berlin", "2026-10-24T12:00:00Z")).toBe(2);
    expect(offsets("America/Santiago", "2026-04-03T12:00:00Z")).toBe(2);
    expect(offsets("Australia/Lord_Howe", "2026-04-04T00:00:00Z")).toBe(2);
  });
});
