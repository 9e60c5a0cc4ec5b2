import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { singleCoreBenchmark, toHardwareSpec, type SystemFacts } from "./detect.js";
import { meanGpuUtilisation, parseNvidiaSmi } from "./nvidia.js";

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const facts = (name: string) => JSON.parse(fixture(name)) as SystemFacts;

describe("hardware detection", () => {
  it("maps a VM whose CPU reports no clock speed", () => {
    const spec = toHardwareSpec(facts("si-epyc-vm.json"), [], 500);
    expect(spec).toMatchObject({
      cpuModel: "AMD EPYC",
      cpuFamily: "25",
      cpuCores: 2,
      cpuThreads: 2,
      cpuSpeedGhz: 0,
      memoryMb: 24105,
      gpus: [],
      os: "Debian GNU/Linux 12",
      arch: "x64",
      benchmarkScore: 1000,
    });
  });

  it("uses physical cores for the score and the boost clock as the speed", () => {
    const spec = toHardwareSpec(facts("si-workstation.json"), [], 812.5);
    expect(spec.cpuCores).toBe(24);
    expect(spec.cpuThreads).toBe(32);
    expect(spec.cpuSpeedGhz).toBe(5.8);
    expect(spec.memoryMb).toBe(65536);
    expect(spec.benchmarkScore).toBe(19500);
  });

  it("parses nvidia-smi CSV into GPU specs with VRAM, driver and utilisation", () => {
    const gpus = parseNvidiaSmi(fixture("nvidia-smi-2gpu.csv"));
    expect(gpus).toEqual([
      {
        index: 0,
        model: "NVIDIA GeForce RTX 4090",
        vendor: "NVIDIA",
        vramMb: 24564,
        driver: "550.54.14",
        utilizationPercent: 3,
      },
      {
        index: 1,
        model: "NVIDIA H100 80GB HBM3",
        vendor: "NVIDIA",
        vramMb: 81559,
        driver: "550.54.14",
        utilizationPercent: 97,
      },
    ]);
    const spec = toHardwareSpec(facts("si-workstation.json"), gpus, 1);
    expect(spec.gpus).toEqual([
      {
        index: 0,
        model: "NVIDIA GeForce RTX 4090",
        vendor: "NVIDIA",
        vramMb: 24564,
        driver: "550.54.14",
      },
      {
        index: 1,
        model: "NVIDIA H100 80GB HBM3",
        vendor: "NVIDIA",
        vramMb: 81559,
        driver: "550.54.14",
      },
    ]);
  });

  it("averages GPU utilisation for heartbeats", () => {
    expect(meanGpuUtilisation(parseNvidiaSmi(fixture("nvidia-smi-2gpu.csv")))).toBe(50);
    expect(meanGpuUtilisation([])).toBeUndefined();
  });

  it("ignores blank and malformed nvidia-smi lines and [N/A] fields", () => {
    expect(parseNvidiaSmi("\nNVIDIA-SMI has failed\n0, Tesla T4, 15360, [N/A], [N/A]\n")).toEqual([
      {
        index: 0,
        model: "Tesla T4",
        vendor: "NVIDIA",
        vramMb: 15360,
        driver: undefined,
        utilizationPercent: undefined,
      },
    ]);
  });

  it("the built-in benchmark gives a positive score within its time budget", () => {
    const started = Date.now();
    expect(singleCoreBenchmark(50)).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
