// A per-day chart (uPlot) that follows its container's width.
import uPlot from "uplot";

export interface DailySeries {
  label: string;
  values: number[];
  color: string;
  bars?: boolean;
}

const DAY_SECONDS = 86_400;

const HEIGHT = 240;
const AXIS = {
  stroke: "#9fb0c0",
  grid: { stroke: "rgba(159,176,192,0.12)", width: 1 },
  ticks: { stroke: "rgba(159,176,192,0.2)", width: 1 },
  font: "12px Inter, sans-serif",
};

function dayToSeconds(day: string): number {
  return Date.parse(`${day.slice(0, 10)}T00:00:00Z`) / 1000;
}

function xRange(xs: number[]): [number, number] {
  const first = xs[0] ?? 0;
  const last = xs.at(-1) ?? first;
  const pad = first === last ? 3 * DAY_SECONDS : DAY_SECONDS / 2;
  return [first - pad, last + pad];
}

export function dailyChart(
  title: string,
  days: string[],
  series: DailySeries[],
  unit: string,
  signal: AbortSignal,
): HTMLElement {
  const element = document.createElement("div");
  element.className = "chart";
  element.setAttribute("role", "img");
  element.setAttribute("aria-label", `${title}, ${days.length} days`);
  const xs = days.map(dayToSeconds);
  const bars = uPlot.paths.bars?.({ size: [0.6, 40] });
  const plot = new uPlot(
    {
      width: 600,
      height: HEIGHT,
      cursor: { drag: { x: false, y: false } },
      legend: { live: false },
      scales: {
        // From our own days, half a day of margin each side; a lone day gets a week around it
        // (uPlot would widen a single timestamp by 86,400,000 s, about three years).
        x: { time: true, range: () => xRange(xs) },
        // Avoided CO2e can be negative (a job worse than new hardware): keep zero in view either way.
        y: { range: (_u, min, max) => [Math.min(0, min * 1.1), max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        { ...AXIS },
        {
          ...AXIS,
          size: 76,
          values: (_u, ticks) => ticks.map((t) => `${+t.toPrecision(3)} ${unit}`),
        },
      ],
      series: [
        {
          label: "Day",
          value: (_u, v) => (v == null ? "—" : new Date(v * 1000).toISOString().slice(0, 10)),
        },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          fill: `${s.color}2e`,
          paths: s.bars ? bars : undefined,
          points: { show: !s.bars && days.length < 3 },
          value: (_u: uPlot, v: number | null) =>
            v == null ? "—" : `${+v.toPrecision(4)} ${unit}`,
        })),
      ],
    },
    [xs, ...series.map((s) => s.values)],
    element,
  );
  const observer = new ResizeObserver(([entry]) => {
    const width = Math.floor(entry?.contentRect.width ?? 0);
    if (width > 0) plot.setSize({ width, height: HEIGHT });
  });
  observer.observe(element);
  signal.addEventListener("abort", () => {
    observer.disconnect();
    plot.destroy();
  });
  return element;
}
