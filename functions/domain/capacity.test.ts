import { describe, expect, it } from "vitest";
import {
  fits,
  freeCapacity,
  release,
  reservationOf,
  reserve,
  shortfall,
  type CapacityNode,
} from "./capacity.js";
import { InsufficientCapacityError } from "./errors.js";

const at = new Date("2026-01-15T12:00:00Z");
const gpu = (index: number) => ({ index, model: "NVIDIA H100", vendor: "nvidia", vramMb: 81_920 });
const node = (overrides: Partial<CapacityNode> = {}): CapacityNode => ({
  id: "node-1",
  slots: 4,
  hardware: {
    cpuModel: "x",
    cpuCores: 8,
    cpuThreads: 16,
    cpuSpeedGhz: 3,
    memoryMb: 32_768,
    gpus: [gpu(0), gpu(1), gpu(2), gpu(3)],
    os: "linux",
    arch: "x64",
    benchmarkScore: 1,
  },
  reservations: [],
  ...overrides,
});

describe("freeCapacity", () => {
  it("is the hardware minus every reservation, in logical CPUs", () => {
    const held = reserve(node(), "job-a", { cpuCores: 6, memoryMb: 8_192, gpuCount: 2 }, at);
    expect(freeCapacity(held)).toEqual({
      slots: 3,
      cpuCores: 10,
      memoryMb: 24_576,
      gpuIndexes: [2, 3],
    });
  });
});

describe("reserve", () => {
  it("holds room for a job and hands out the lowest free GPU indexes", () => {
    const first = reserve(node(), "job-a", { cpuCores: 2, memoryMb: 1024, gpuCount: 1 }, at);
    const second = reserve(first, "job-b", { cpuCores: 2, memoryMb: 1024, gpuCount: 2 }, at);
    expect(reservationOf(second, "job-a")?.gpuIndexes).toEqual([0]);
    expect(reservationOf(second, "job-b")).toEqual({
      jobId: "job-b",
      cpuCores: 2,
      memoryMb: 1024,
      gpuCount: 2,
      gpuIndexes: [1, 2],
      reservedAt: at.toISOString(),
    });
    // a released GPU in the middle is reused first
    const third = reserve(
      release(second, "job-a"),
      "job-c",
      { cpuCores: 1, memoryMb: 1, gpuCount: 2 },
      at,
    );
    expect(reservationOf(third, "job-c")?.gpuIndexes).toEqual([0, 3]);
  });

  it("never double-books: a request that does not fit throws and names what is missing", () => {
    const full = reserve(node(), "job-a", { cpuCores: 12, memoryMb: 30_000, gpuCount: 4 }, at);
    expect(() => reserve(full, "job-b", { cpuCores: 8, memoryMb: 4_096, gpuCount: 1 }, at)).toThrow(
      InsufficientCapacityError,
    );
    expect(shortfall(full, { cpuCores: 8, memoryMb: 4_096, gpuCount: 1 })).toEqual([
      "4 of 8 cores free",
      "2768 of 4096 MB free",
      "0 of 1 GPUs free",
    ]);
    expect(fits(full, { cpuCores: 4, memoryMb: 2_768, gpuCount: 0 })).toBe(true);
  });

  it("respects the slot count even when cores are left", () => {
    let n = node({ slots: 2 });
    n = reserve(n, "a", { cpuCores: 1, memoryMb: 1, gpuCount: 0 }, at);
    n = reserve(n, "b", { cpuCores: 1, memoryMb: 1, gpuCount: 0 }, at);
    expect(() => reserve(n, "c", { cpuCores: 1, memoryMb: 1, gpuCount: 0 }, at)).toThrow(
      /no free job slot/,
    );
  });

  it("is idempotent per job: reserving again changes nothing", () => {
    const once = reserve(node(), "job-a", { cpuCores: 4, memoryMb: 1024, gpuCount: 1 }, at);
    const twice = reserve(
      once,
      "job-a",
      { cpuCores: 4, memoryMb: 1024, gpuCount: 1 },
      new Date(at.getTime() + 1000),
    );
    expect(twice).toBe(once);
    expect(twice.reservations).toHaveLength(1);
  });

  it("no sequence of reservations ever exceeds the hardware", () => {
    let n = node({ slots: 100 });
    const requests = Array.from({ length: 60 }, (_, i) => ({
      cpuCores: 1 + (i % 5),
      memoryMb: 512 * (1 + (i % 7)),
      gpuCount: i % 3 === 0 ? 1 : 0,
    }));
    requests.forEach((request, i) => {
      try {
        n = reserve(n, `job-${i}`, request, at);
      } catch (error) {
        expect(error).toBeInstanceOf(InsufficientCapacityError);
        expect(fits(n, request)).toBe(false);
      }
      const free = freeCapacity(n);
      expect(free.cpuCores).toBeGreaterThanOrEqual(0);
      expect(free.memoryMb).toBeGreaterThanOrEqual(0);
      const gpusHeld = n.reservations.flatMap((r) => r.gpuIndexes);
      expect(new Set(gpusHeld).size).toBe(gpusHeld.length);
      if (i % 4 === 3) n = release(n, `job-${i - 2}`);
    });
    expect(n.reservations.length).toBeGreaterThan(0);
  });
});

describe("release", () => {
  it("frees the job's room and is harmless when repeated or for unknown jobs", () => {
    const held = reserve(node(), "job-a", { cpuCores: 4, memoryMb: 1024, gpuCount: 1 }, at);
    const released = release(held, "job-a");
    expect(released.reservations).toEqual([]);
    expect(release(released, "job-a")).toBe(released);
    expect(release(held, "job-zzz")).toBe(held);
    expect(held.reservations).toHaveLength(1);
  });
});
