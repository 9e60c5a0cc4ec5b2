import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  UsageAccumulator,
  attributeEnergyKwh,
  parseProcStatCpu,
  raplDeltaKwh,
  readRapl,
} from "./usage.js";

describe("usage", () => {
  it("keeps the highest CPU total and peak RSS over samples", () => {
    const acc = new UsageAccumulator();
    acc.add([
      { pid: 1, ppid: 0, state: "S", cpuTicks: 100, rssPages: 256 },
      { pid: 2, ppid: 1, state: "R", cpuTicks: 50, rssPages: 256 },
    ]);
    acc.add([{ pid: 1, ppid: 0, state: "S", cpuTicks: 180, rssPages: 256 }]);
    expect(acc.totals).toEqual({ cpuSeconds: 1.8, peakRssMb: 2 });
  });

  it("parses busy and total CPU ticks from /proc/stat", () => {
    expect(parseProcStatCpu("cpu  10 1 5 100 4 1 1 2 0 0\ncpu0 1 1 1 1\n")).toEqual({
      busy: 20,
      total: 124,
    });
  });

  it("reads RAPL package counters and handles a wrapped counter", async () => {
    const root = await mkdtemp(join(tmpdir(), "wc-rapl-"));
    await mkdir(join(root, "intel-rapl:0"));
    await mkdir(join(root, "intel-rapl:0:0"));
    await writeFile(join(root, "intel-rapl:0", "energy_uj"), "1000\n");
    await writeFile(join(root, "intel-rapl:0", "max_energy_range_uj"), "10000\n");
    const reading = readRapl(root);
    expect(reading).toEqual({ packages: [{ energyUj: 1000, maxUj: 10000 }] });
    expect(
      raplDeltaKwh(
        { packages: [{ energyUj: 9000, maxUj: 10000 }] },
        { packages: [{ energyUj: 500, maxUj: 10000 }] },
      ),
    ).toBeCloseTo(1500 / 3.6e12);
    expect(readRapl(join(root, "absent"))).toBeUndefined();
  });

  it("attributes energy by the job's share of busy CPU time", () => {
    expect(attributeEnergyKwh(1, 30, 60)).toBe(0.5);
    expect(attributeEnergyKwh(1, 90, 60)).toBe(1);
    expect(attributeEnergyKwh(1, 5, 0)).toBe(0);
  });
});
