import { describe, expect, it } from "vitest";
import { ValidationError } from "./errors.js";
import { assertTimeZone, firstOffsetChange, toEpochSeconds, wallClockAt } from "./local-time.js";

const sec = (iso: string) => toEpochSeconds(new Date(iso));

describe("wallClockAt", () => {
  it("reads the local clock, weekday and UTC offset in the zone", () => {
    const berlinWinter = wallClockAt(sec("2026-01-15T09:59:30Z"), "Europe/Berlin");
    expect(berlinWinter).toMatchObject({
      year: 2026,
      month: 1,
      day: 15,
      hour: 10,
      minute: 59,
      second: 30,
    });
    expect(berlinWinter.weekday).toBe(4); // Thursday
    expect(berlinWinter.offsetSeconds).toBe(3600);
    expect(berlinWinter.secondOfDay).toBe(10 * 3600 + 59 * 60 + 30);
    expect(wallClockAt(sec("2026-07-15T12:00:00Z"), "Europe/Berlin").offsetSeconds).toBe(7200);
    expect(wallClockAt(sec("2026-07-15T12:00:00Z"), "Asia/Kathmandu").offsetSeconds).toBe(
      5 * 3600 + 45 * 60,
    );
  });

  it("uses hour 0 at midnight, never 24", () => {
    const midnight = wallClockAt(sec("2026-01-15T23:00:00Z"), "Europe/Berlin");
    expect(midnight).toMatchObject({ day: 16, hour: 0, secondOfDay: 0 });
  });

  it("rejects an unknown zone with a ValidationError naming the field", () => {
    expect(() => assertTimeZone("Mars/Olympus_Mons")).toThrow(ValidationError);
    expect(() => wallClockAt(0, "Not/AZone")).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ path: "timeZone" })] }),
    );
  });
});

describe("firstOffsetChange", () => {
  it("finds the exact second daylight saving starts and ends in Berlin", () => {
    // 2026-03-29 02:00 CET → 03:00 CEST happens at 01:00:00 UTC
    expect(
      firstOffsetChange(sec("2026-03-29T00:00:00Z"), sec("2026-03-29T05:00:00Z"), "Europe/Berlin"),
    ).toBe(sec("2026-03-29T01:00:00Z"));
    // 2026-10-25 03:00 CEST → 02:00 CET happens at 01:00:00 UTC
    expect(
      firstOffsetChange(sec("2026-10-24T20:00:00Z"), sec("2026-10-25T08:00:00Z"), "Europe/Berlin"),
    ).toBe(sec("2026-10-25T01:00:00Z"));
  });

  it("returns null when the offset does not change", () => {
    expect(
      firstOffsetChange(sec("2026-06-01T00:00:00Z"), sec("2026-06-02T00:00:00Z"), "Europe/Berlin"),
    ).toBeNull();
    expect(
      firstOffsetChange(sec("2026-03-29T00:00:00Z"), sec("2026-03-30T00:00:00Z"), "UTC"),
    ).toBeNull();
  });
});
