// A tiny utilisation line that grows as new samples arrive.
import uPlot from "uplot";

const MAX_SAMPLES = 60;
const WIDTH = 96;
const HEIGHT = 34;

export class Sparkline {
  readonly element: HTMLElement;
  private readonly plot: uPlot;
  private readonly times: number[] = [];
  private readonly values: number[] = [];

  constructor(label: string) {
    this.element = document.createElement("div");
    this.element.className = "sparkline";
    this.element.setAttribute("role", "img");
    this.element.setAttribute("aria-label", label);
    this.plot = new uPlot(
      {
        width: WIDTH,
        height: HEIGHT,
        pxAlign: false,
        cursor: { show: false },
        legend: { show: false },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        scales: { x: { time: false }, y: { range: [0, 100] } },
        axes: [{ show: false }, { show: false }],
        series: [
          {},
          { stroke: "#3ee0a1", width: 1.5, fill: "rgba(62,224,161,0.14)", points: { show: false } },
        ],
      },
      [[], []],
      this.element,
    );
  }

  push(percent: number, at = Date.now() / 1000): void {
    this.times.push(at);
    this.values.push(percent);
    if (this.times.length > MAX_SAMPLES) {
      this.times.shift();
      this.values.shift();
    }
    // One sample cannot draw a line: repeat it so a fresh node shows a flat level, not nothing.
    const times = this.times.length === 1 ? [at - 1, at] : this.times;
    const values = this.values.length === 1 ? [percent, percent] : this.values;
    this.plot.setData([times, values]);
  }

  destroy(): void {
    this.plot.destroy();
  }
}
