import { describe, expect, it } from "vitest";
import { parseTimerSchedule, TimerScheduleError } from "./schedule.js";

const at = (iso: string) => new Date(iso);

describe("timer schedules", () => {
  it("reads six-field NCRONTAB with seconds, in UTC by default", () => {
    const schedule = parseTimerSchedule("0 */5 * * * *");
    expect(schedule.next(at("2026-12-04T10:02:30Z"))?.toISOString()).toBe(
      "2026-12-04T10:05:00.000Z",
    );
    expect(
      parseTimerSchedule("*/1 * * * * *").next(at("2026-12-04T10:00:00.200Z"))?.toISOString(),
    ).toBe("2026-12-04T10:00:01.000Z");
  });

  it("honours day-of-week and a time zone", () => {
    // 09:30 on weekdays in Amsterdam (UTC+1 in December).
    const schedule = parseTimerSchedule("0 30 9 * * 1-5", "Europe/Amsterdam");
    expect(schedule.next(at("2026-12-05T00:00:00Z"))?.toISOString()).toBe(
      "2026-12-07T08:30:00.000Z",
    );
  });

  it("accepts a TimeSpan interval", () => {
    expect(parseTimerSchedule("00:00:30").next(at("2026-12-04T10:00:00Z"))?.toISOString()).toBe(
      "2026-12-04T10:00:30.000Z",
    );
  });

  it("rejects malformed schedules", () => {
    expect(() => parseTimerSchedule("* * *")).toThrow(TimerScheduleError);
    expect(() => parseTimerSchedule("0 0 25 * * *")).toThrow(TimerScheduleError);
  });
});
