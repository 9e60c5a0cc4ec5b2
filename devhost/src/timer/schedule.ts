// Timer schedules: six-field NCRONTAB ({second} {minute} {hour} {day} {month} {day-of-week}),
// five-field cron, or a TimeSpan interval ("hh:mm:ss") as the host accepts.
import { Cron } from "croner";
import { parseTimeSpanMs } from "../host-config.js";

export interface TimerSchedule {
  readonly expression: string;
  /** The first occurrence strictly after `after`, or undefined when the schedule has no more. */
  next(after: Date): Date | undefined;
}

export class TimerScheduleError extends Error {
  override name = "TimerScheduleError";
}

/** Parses a schedule; times are UTC unless a time zone (IANA name, from WEBSITE_TIME_ZONE) is given. */
export function parseTimerSchedule(expression: string, timeZone?: string): TimerSchedule {
  const trimmed = expression.trim();
  if (/^(\d+\.)?\d{1,2}:\d{1,2}:\d{1,2}$/.test(trimmed)) {
    const intervalMs = parseTimeSpanMs(trimmed);
    if (intervalMs === undefined || intervalMs <= 0)
      throw new TimerScheduleError(`Invalid interval "${expression}".`);
    return { expression: trimmed, next: (after) => new Date(after.getTime() + intervalMs) };
  }
  const fields = trimmed.split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    throw new TimerScheduleError(
      `Schedule "${expression}" must have six NCRONTAB fields (or five cron fields).`,
    );
  }
  let cron: Cron;
  try {
    cron = new Cron(trimmed, { timezone: timeZone ?? "Etc/UTC", paused: true });
  } catch (error) {
    throw new TimerScheduleError(`Invalid schedule "${expression}": ${(error as Error).message}`);
  }
  return {
    expression: trimmed,
    next(after) {
      return cron.nextRun(after) ?? undefined;
    },
  };
}
