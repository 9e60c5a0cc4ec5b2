import { describe, expect, it } from "vitest";
import { CARBON_COEFFICIENTS } from "./carbon-coefficients.js";
import {
  assessCarbon,
  buildCarbonRecord,
  cpuPowerFor,
  gpuPowerFor,
  gridIntensityFor,
  serverEmbodiedKg,
  summariseCarbon,
  treeSeedlings,
  type CarbonInputs,
  type SettledJobFacts,
} from "./carbon.js";
import { ValidationError } from "./errors.js";

/** The reference's worked example: 1 h on 8 of 96 vCPUs of an m5.metal-class server. */
const workedExample: CarbonInputs = {
  hours: 1,
  vcpus: 8,
  serverVcpus: 96,
  utilisation: 0.5,
  memoryGb: 0,
  gpus: 0,
  serverGpus: 0,
  pue: 1.58,
  gridIntensity: { value: 473, source: "world" },
  serverEmbodied: serverEmbodiedKg({
    serverClass: "m5.metal",
    cpuSockets: 2,
    memoryGb: 384,
    ssdCount: 0,
    hddCount: 0,
    gpuCount: 0,
  }),
};

describe("the worked example", () => {
  const result = assessCarbon(workedExample);

  it("embodied M = 1610.79 kg × (1/35040) × (8/96) ≈ 3.8 g", () => {
    expect(result.embodiedGrams).toBeCloseTo(3.83, 2);
    expect(result.embodiedGrams).toBeCloseTo((1610.79 * 1000 * 8) / 35040 / 96, 9);
  });

  it("energy E ≈ 16.96 W × 1 h × 1.58 ≈ 0.0268 kWh and O ≈ 12.7 g", () => {
    expect(result.energy.cpuKwh).toBeCloseTo(0.01696, 6);
    expect(result.energy.estimatedKwh).toBeCloseTo(0.0268, 4);
    expect(result.energy.usedKwh).toBe(result.energy.estimatedKwh);
    expect(result.energy.source).toBe("estimated");
    expect(result.operationalGrams).toBeCloseTo(12.7, 1);
  });

  it("marginal-only O ≈ 8.2 g (consequential view, idle power dropped)", () => {
    expect(result.marginalGrams).toBeCloseTo(8.25, 2);
    expect(result.marginalKwh).toBeCloseTo((0.5 * (3.5 - 0.74) * 8 * 1.58) / 1000, 9);
  });

  it("SCI = O + M, baseline is the new-hardware SCI and avoided = baseline − marginal", () => {
    expect(result.sciGrams).toBeCloseTo(result.operationalGrams + result.embodiedGrams, 9);
    expect(result.baselineGrams).toBe(result.sciGrams);
    expect(result.avoidedGrams).toBeCloseTo(12.675 + 3.831 - 8.251, 2);
    expect(result.treeSeedlingsAvoided).toBeCloseTo(result.avoidedGrams / 1000 / 60, 12);
  });

  it("records the CPU power source it used", () => {
    expect(result.inputs.cpuPowerSource).toMatch(/^default: .*AWS average/);
    expect(result.inputs.utilisationSource).toBe("measured");
  });
});

describe("energy", () => {
  it("uses 0.5 utilisation when none was measured", () => {
    const result = assessCarbon({ ...workedExample, utilisation: undefined });
    expect(result.inputs.utilisation).toBe(0.5);
    expect(result.inputs.utilisationSource).toBe("default");
    expect(result.energy.estimatedKwh).toBeCloseTo(0.0268, 4);
  });

  it("adds memory at 0.000392 kWh per GB-hour, before PUE", () => {
    const withMemory = assessCarbon({ ...workedExample, memoryGb: 32, hours: 2 });
    expect(withMemory.energy.memoryKwh).toBeCloseTo(32 * 2 * 0.000392, 12);
    expect(withMemory.energy.estimatedKwh).toBeCloseTo((2 * 0.01696 + 32 * 2 * 0.000392) * 1.58, 9);
  });

  it("prefers measured energy (× PUE) and keeps the estimate beside it", () => {
    const result = assessCarbon({ ...workedExample, measuredKwh: 0.01 });
    expect(result.energy.source).toBe("measured");
    expect(result.energy.measuredKwh).toBe(0.01);
    expect(result.energy.usedKwh).toBeCloseTo(0.0158, 12);
    expect(result.energy.estimatedKwh).toBeCloseTo(0.0268, 4);
    expect(result.operationalGrams).toBeCloseTo(0.0158 * 473, 9);
  });

  it("counts H100 GPUs at vendor TDP 700 W with ~11% idle, marked as such", () => {
    const result = assessCarbon({
      ...workedExample,
      gpus: 1,
      serverGpus: 8,
      gpuModel: "NVIDIA H100 80GB HBM3",
    });
    expect(result.energy.gpuKwh).toBeCloseTo((77 + 0.5 * (700 - 77)) / 1000, 9);
    expect(result.inputs.gpuPowerSource).toMatch(/vendor TDP/);
    // GPU share (1/8) beats the vCPU share (8/96) for embodied allocation
    expect(result.embodiedGrams).toBeCloseTo((1610.79 * 1000) / 35040 / 8, 9);
  });

  it("refuses inputs that make no sense", () => {
    expect(() => assessCarbon({ ...workedExample, utilisation: 1.5 })).toThrow(ValidationError);
    expect(() => assessCarbon({ ...workedExample, serverVcpus: 4 })).toThrow(ValidationError);
    expect(() => assessCarbon({ ...workedExample, pue: 0.9 })).toThrow(ValidationError);
    expect(() => assessCarbon({ ...workedExample, hours: -1 })).toThrow(ValidationError);
    expect(() => assessCarbon({ ...workedExample, measuredKwh: -0.1 })).toThrow(ValidationError);
  });
});

describe("coefficient look-ups", () => {
  it("recognises CPU families from the family or model name", () => {
    expect(cpuPowerFor("Cascade Lake", undefined)).toMatchObject({
      profile: "cascade-lake",
      minW: 0.64,
      maxW: 3.97,
    });
    expect(cpuPowerFor(undefined, "AMD EPYC 7R13 Processor").profile).toBe("epyc-gen3");
    expect(cpuPowerFor(undefined, "AMD EPYC 7742 64-Core Processor").profile).toBe("epyc-gen2");
    expect(cpuPowerFor("Skylake-SP", "Intel Xeon Platinum 8175M").profile).toBe("skylake");
    expect(cpuPowerFor(undefined, "Apple M2")).toMatchObject({
      profile: "default",
      minW: 0.74,
      maxW: 3.5,
    });
  });

  it("matches GPU models by whole words, and marks an unknown model as assumed", () => {
    expect(gpuPowerFor("NVIDIA A100-SXM4-80GB")).toMatchObject({ profile: "a100", maxW: 407 });
    expect(gpuPowerFor("NVIDIA A10G")).toMatchObject({ profile: "a10g", maxW: 153 });
    expect(gpuPowerFor("Tesla T4").profile).toBe("t4");
    expect(gpuPowerFor("NVIDIA H200").maxW).toBe(700);
    const unknown = gpuPowerFor("Radeon RX 7900");
    expect(unknown.profile).toBe("a100");
    expect(unknown.source).toMatch(/^assumed a100/);
  });

  it("finds grid intensity by country, cloud region, override, or falls back to the world average", () => {
    expect(gridIntensityFor("DE", undefined).value).toBe(342);
    expect(gridIntensityFor("germanywestcentral", undefined).value).toBe(342);
    expect(gridIntensityFor("uk", undefined).value).toBe(216);
    expect(gridIntensityFor("us-east-1", undefined).value).toBe(384);
    expect(gridIntensityFor("se", undefined).value).toBe(36);
    expect(gridIntensityFor("world", undefined)).toMatchObject({
      value: 473,
      source: expect.stringMatching(/world average/),
    });
    expect(gridIntensityFor("NL", undefined).value).toBe(473);
    expect(gridIntensityFor("DE", 120)).toEqual({
      value: 120,
      source: "seller override (own electricity contract)",
    });
    expect(gridIntensityFor("DE", 0).value).toBe(0);
  });

  it("estimates embodied emissions with the Teads model, reproducing the published m5.metal figure", () => {
    const modelled = serverEmbodiedKg({
      cpuSockets: 2,
      memoryGb: 384,
      ssdCount: 0,
      hddCount: 0,
      gpuCount: 0,
    });
    expect(modelled.value).toBeCloseTo(1610.79, 2);
    expect(
      serverEmbodiedKg({ cpuSockets: 1, memoryGb: 8, ssdCount: 1, hddCount: 2, gpuCount: 4 }).value,
    ).toBe(1000 + 100 + 100 + 600);
    expect(
      serverEmbodiedKg({
        serverClass: "p4d.24xlarge",
        cpuSockets: 1,
        memoryGb: 0,
        ssdCount: 0,
        hddCount: 0,
        gpuCount: 0,
      }).value,
    ).toBe(4676.79);
  });

  it("converts grams to tree seedlings at 60 kg each", () => {
    expect(treeSeedlings(60_000)).toBe(1);
    expect(treeSeedlings(0)).toBe(0);
  });

  it("carries a dataset version and a source for every coefficient", () => {
    expect(CARBON_COEFFICIENTS.version).toBe("wc-carbon-2026.1");
    for (const range of [
      ...Object.values(CARBON_COEFFICIENTS.cpuPower),
      ...Object.values(CARBON_COEFFICIENTS.gpuPower),
    ]) {
      expect(range.source.length).toBeGreaterThan(0);
      expect(range.maxW).toBeGreaterThan(range.minW);
    }
    for (const figure of Object.values(CARBON_COEFFICIENTS.gridIntensity))
      expect(figure.source).toMatch(/Ember/);
  });
});

describe("buildCarbonRecord", () => {
  const facts: SettledJobFacts = {
    jobId: "job-1",
    buyerId: "buyer-1",
    requirements: { cpuCores: 8, memoryMb: 0 + 64, gpuCount: 0 },
    usage: { wallSeconds: 3600, cpuSeconds: 3600 * 8 * 0.5, energyKwhMeasured: undefined },
    node: {
      id: "node-1",
      sellerId: "seller-1",
      region: "world",
      hardware: {
        cpuModel: "Intel Xeon Platinum 8259CL",
        cpuCores: 48,
        cpuThreads: 96,
        cpuSpeedGhz: 2.5,
        memoryMb: 384 * 1024,
        gpus: [],
        os: "linux",
        arch: "x64",
        benchmarkScore: 1,
      },
      carbonProfile: { serverClass: "m5.metal" },
    },
    at: new Date("2026-01-15T12:00:00Z"),
  };

  it("builds a reproducible record keyed by job id with the coefficient version", () => {
    const record = buildCarbonRecord(facts);
    expect(record).toMatchObject({
      id: "job-1",
      jobId: "job-1",
      buyerId: "buyer-1",
      sellerId: "seller-1",
      nodeId: "node-1",
      coefficientsVersion: "wc-carbon-2026.1",
      createdAt: "2026-01-15T12:00:00.000Z",
      grid: { gramsPerKwh: 473 },
      embodied: { serverKg: 1610.79, lifetimeHours: 35040 },
    });
    expect(record.inputs).toMatchObject({
      hours: 1,
      vcpus: 8,
      serverVcpus: 96,
      utilisation: 0.5,
      pue: 1.58,
    });
    expect(record.embodiedGrams).toBeCloseTo(3.83, 2);
    // the 64 MB memory term adds a little to the worked example's 0.0268 kWh
    expect(record.energy.estimatedKwh).toBeCloseTo(0.0268 + (64 / 1024) * 0.000392 * 1.58, 4);
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
    expect(buildCarbonRecord(facts)).toEqual(record);
  });

  it("uses the node's measured energy and the seller's grid override when present", () => {
    const record = buildCarbonRecord({
      ...facts,
      usage: { ...facts.usage, energyKwhMeasured: 0.02 },
      node: { ...facts.node, gridIntensityOverride: 50 },
    });
    expect(record.energy.source).toBe("measured");
    expect(record.grid).toEqual({
      gramsPerKwh: 50,
      source: "seller override (own electricity contract)",
    });
    expect(record.operationalGrams).toBeCloseTo(0.02 * 1.58 * 50, 9);
    expect(summariseCarbon(record)).toEqual({
      energyKwh: record.energy.usedKwh,
      energySource: "measured",
      emittedGrams: record.sciGrams,
      avoidedGrams: record.avoidedGrams,
      coefficientsVersion: "wc-carbon-2026.1",
    });
  });

  it("derives utilisation from CPU seconds, capped at 1, and models an unknown server", () => {
    const record = buildCarbonRecord({
      ...facts,
      usage: { wallSeconds: 100, cpuSeconds: 5000 },
      node: { ...facts.node, carbonProfile: undefined },
    });
    expect(record.inputs.utilisation).toBe(1);
    // one socket assumed: 1000 kg + DRAM above 16 GB
    expect(record.embodied.serverKg).toBeCloseTo(1000 + (533 / 384) * (384 - 16), 6);
  });
});
