// Formatting at the edge: money arrives as integer micro-dollars, carbon as grams, time as ISO.

const usdCache = new Map<number, Intl.NumberFormat>();

function usdFormat(maxFraction: number): Intl.NumberFormat {
  let format = usdCache.get(maxFraction);
  if (!format) {
    format = new Intl.NumberFormat("en-US", {
      style: "currency",
      currency: "USD",
      minimumFractionDigits: 2,
      maximumFractionDigits: maxFraction,
    });
    usdCache.set(maxFraction, format);
  }
  return format;
}

/** Sub-dollar amounts keep micro-dollar precision, because per-second jobs cost fractions of a cent. */
export function usd(micros: number): string {
  const amount = micros / 1_000_000;
  return usdFormat(Math.abs(amount) < 1 ? 6 : 2).format(amount);
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "—";
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, "0")}m` : `${m}m ${String(s).padStart(2, "0")}s`;
}

export function grams(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1000)
    return `${(value / 1000).toLocaleString("en-US", { maximumFractionDigits: 2 })} kg`;
  if (abs >= 1) return `${value.toLocaleString("en-US", { maximumFractionDigits: 1 })} g`;
  if (abs === 0) return "0 g";
  return `${(value * 1000).toLocaleString("en-US", { maximumFractionDigits: 1 })} mg`;
}

export interface UnitChoice {
  label: string;
  /** Multiply a base value by this to express it in the unit. */
  factor: number;
}

export const ENERGY_UNITS: readonly UnitChoice[] = [
  { label: "kWh", factor: 1 },
  { label: "Wh", factor: 1e3 },
  { label: "mWh", factor: 1e6 },
];

export const MASS_UNITS: readonly UnitChoice[] = [
  { label: "kg", factor: 1e-3 },
  { label: "g", factor: 1 },
  { label: "mg", factor: 1e3 },
];

/** The largest unit in which `max` is at least 1 (the smallest unit when nothing fits). */
export function pickUnit(max: number, choices: readonly UnitChoice[]): UnitChoice {
  const fit = choices.find((unit) => Math.abs(max) * unit.factor >= 1);
  const fallback = choices.at(-1);
  if (!fit && !fallback) throw new Error("no units to choose from");
  return fit ?? (fallback as UnitChoice);
}

export function energy(kwh: number): string {
  if (kwh === 0) return "0 Wh";
  const unit = pickUnit(kwh, ENERGY_UNITS);
  return `${(kwh * unit.factor).toLocaleString("en-US", { maximumSignificantDigits: 3 })} ${unit.label}`;
}

/** Tree equivalents are tiny for single jobs: say so rather than print 0. */
export function trees(value: number): string {
  if (value === 0) return "0";
  return value < 0.01 ? "< 0.01" : value.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

export function count(value: number, maxFraction = 0): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: maxFraction });
}

export function bytes(value: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${size.toLocaleString("en-US", { maximumFractionDigits: unit === 0 ? 0 : 1 })} ${units[unit]}`;
}

const dateTimeFormat = new Intl.DateTimeFormat("en-GB", {
  year: "numeric",
  month: "short",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

const shortDateTimeFormat = new Intl.DateTimeFormat("en-GB", {
  month: "short",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
});

/** Day and minute, for dense tables. */
export function shortDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : shortDateTimeFormat.format(date);
}

/** A deduction: shown with a minus sign, or a dash when there is none. */
export function minusUsd(micros: number): string {
  return micros === 0 ? "—" : `−${usd(micros)}`;
}

export function dateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

/** Ids are long; the first characters are enough to tell jobs apart on screen. */
export function shortId(id: string): string {
  return id.length > 10 ? `${id.slice(0, 8)}…` : id;
}

/** `YYYY-MM` of a date in UTC, as billing months are keyed. */
export function monthOf(date: Date): string {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, "0")}`;
}

export function statusLabel(status: string): string {
  return status.replace(/_/g, " ");
}

/** How long ago, coarsely: "12 s ago", "4 min ago", "3 h ago", else the date. */
export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (!Number.isFinite(seconds)) return iso;
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return shortDateTime(iso);
}
