// Carbon accounting for one job, after the Green Software Foundation's SCI (O = E × I,
// M = TE × TiR/EL × RR/ToR) with energy estimated the Cloud Carbon Footprint way. Every input
// and coefficient source is kept on the record so each figure can be reproduced.
import {
  CARBON_COEFFICIENTS,
  REGION_COUNTRY,
  type CarbonCoefficients,
  type PowerRange,
} from "./carbon-coefficients.js";
import { ValidationError } from "./errors.js";
import { nameMatches } from "./model-names.js";
import type {
  CarbonRecord,
  JobCarbonSummary,
  JobRequirements,
  JobUsage,
  NodeDoc,
} from "./model.js";

/** A value in gCO2e/kWh or kgCO2e, with where it came from. */
export interface SourcedFigure {
  value: number;
  source: string;
}

// Checked in order; EPYC 7xxN model numbers end in the generation (7R13 → Milan, 7742 → Rome).
const CPU_FAMILY_PATTERNS: [RegExp, string][] = [
  [/cascade\s*-?lake/, "cascade-lake"],
  [/sky\s*-?lake/, "skylake"],
  [/broadwell/, "broadwell"],
  [/haswell/, "haswell"],
  [/naples|epyc\s+7\w\w1\b/, "epyc-gen1"],
  [/rome|epyc\s+7\w\w2\b/, "epyc-gen2"],
  [/milan|epyc\s+7\w\w3\b/, "epyc-gen3"],
];

/** Per-vCPU power for a CPU family (or a model name we can recognise); the default otherwise. */
export function cpuPowerFor(
  family: string | undefined,
  model: string | undefined,
  coefficients: CarbonCoefficients = CARBON_COEFFICIENTS,
): PowerRange & { profile: string } {
  const text = `${family ?? ""} ${model ?? ""}`.toLowerCase();
  const profile = CPU_FAMILY_PATTERNS.find(([pattern]) => pattern.test(text))?.[1] ?? "default";
  const power = coefficients.cpuPower[profile] ?? coefficients.cpuPower.default;
  return { ...power, profile };
}

/** Per-GPU power for a reported model name, e.g. "NVIDIA H100 80GB HBM3" → h100. */
export function gpuPowerFor(
  model: string | undefined,
  coefficients: CarbonCoefficients = CARBON_COEFFICIENTS,
): PowerRange & { profile: string } {
  const known = Object.keys(coefficients.gpuPower).find((key) => nameMatches(key, model ?? ""));
  const profile = known ?? coefficients.unknownGpuModel;
  const power = coefficients.gpuPower[profile];
  if (!power) throw new RangeError(`no GPU power figures for ${profile}`);
  return known
    ? { ...power, profile }
    : { ...power, profile, source: `assumed ${profile}: ${power.source}` };
}

/** Location-based grid intensity for a node: the seller's override, its region, or the world average. */
export function gridIntensityFor(
  region: string,
  override: number | undefined,
  coefficients: CarbonCoefficients = CARBON_COEFFICIENTS,
): SourcedFigure {
  if (override !== undefined)
    return { value: override, source: "seller override (own electricity contract)" };
  const key = region.trim().toLowerCase();
  const country = REGION_COUNTRY[key] ?? (key.startsWith("us-") ? "US" : key.toUpperCase());
  const figure = country === "WORLD" ? undefined : coefficients.gridIntensity[country];
  if (figure) return { value: figure.value, source: `${figure.source}: ${country}` };
  const world = coefficients.gridIntensity.WORLD;
  return { value: world.value, source: `${world.source}: world average` };
}

/** What a server is made of, for the embodied model. */
export interface ServerBuild {
  serverClass?: string;
  cpuSockets: number;
  memoryGb: number;
  ssdCount: number;
  hddCount: number;
  gpuCount: number;
}

/** Total embodied emissions TE of a server, kgCO2e: a published class figure or the Teads model. */
export function serverEmbodiedKg(
  build: ServerBuild,
  coefficients: CarbonCoefficients = CARBON_COEFFICIENTS,
): SourcedFigure {
  const known = build.serverClass
    ? coefficients.serverClassEmbodiedKg[build.serverClass]
    : undefined;
  if (known) return { value: known.value, source: `${known.source}: ${build.serverClass}` };
  const m = coefficients.embodiedModel;
  const value =
    m.baseServerKg +
    m.perExtraCpuKg * Math.max(0, build.cpuSockets - 1) +
    m.perHddKg * build.hddCount +
    m.perSsdKg * build.ssdCount +
    m.perGpuKg * build.gpuCount +
    m.perGbAboveThresholdKg * Math.max(0, build.memoryGb - m.dramThresholdGb);
  return { value, source: m.source };
}

/** Everything the carbon figures of one job depend on. */
export interface CarbonInputs {
  hours: number;
  vcpus: number;
  serverVcpus: number;
  /** Average utilisation of the job's vCPUs, 0..1; the default when not measured. */
  utilisation?: number;
  memoryGb: number;
  gpus: number;
  serverGpus: number;
  gpuModel?: string;
  cpuFamily?: string;
  cpuModel?: string;
  pue: number;
  /** IT energy the node measured (RAPL), kWh, before PUE. */
  measuredKwh?: number;
  gridIntensity: SourcedFigure;
  serverEmbodied: SourcedFigure;
}

export interface CarbonAssessment {
  inputs: CarbonRecord["inputs"];
  energy: CarbonRecord["energy"];
  marginalKwh: number;
  operationalGrams: number;
  embodiedGrams: number;
  sciGrams: number;
  marginalGrams: number;
  baselineGrams: number;
  avoidedGrams: number;
  treeSeedlingsAvoided: number;
}

function validate(inputs: CarbonInputs): void {
  const errors = [];
  const nonNegative = ["hours", "vcpus", "memoryGb", "gpus", "serverGpus"] as const;
  for (const key of nonNegative) {
    if (!(inputs[key] >= 0)) errors.push({ path: key, message: "must not be negative" });
  }
  if (!(inputs.serverVcpus >= inputs.vcpus && inputs.serverVcpus > 0)) {
    errors.push({ path: "serverVcpus", message: "must be positive and at least the job's vCPUs" });
  }
  if (inputs.serverGpus < inputs.gpus)
    errors.push({ path: "serverGpus", message: "must be at least the job's GPUs" });
  if (inputs.utilisation !== undefined && !(inputs.utilisation >= 0 && inputs.utilisation <= 1)) {
    errors.push({ path: "utilisation", message: "must be between 0 and 1" });
  }
  if (!(inputs.pue >= 1)) errors.push({ path: "pue", message: "must be at least 1" });
  if (inputs.measuredKwh !== undefined && !(inputs.measuredKwh >= 0)) {
    errors.push({ path: "measuredKwh", message: "must not be negative" });
  }
  if (errors.length > 0) throw new ValidationError("carbon inputs are not usable", errors);
}

/** Grams of CO2e one tree seedling grown for ten years takes up, as a count of seedlings. */
export function treeSeedlings(
  grams: number,
  coefficients: CarbonCoefficients = CARBON_COEFFICIENTS,
): number {
  return grams / 1000 / coefficients.treeSeedlingKg.value;
}

/** The SCI figures for one job (see docs/carbon-methodology.md for each formula). */
export function assessCarbon(
  inputs: CarbonInputs,
  coefficients: CarbonCoefficients = CARBON_COEFFICIENTS,
): CarbonAssessment {
  validate(inputs);
  const u = inputs.utilisation ?? coefficients.defaultUtilisation.value;
  const cpu = cpuPowerFor(inputs.cpuFamily, inputs.cpuModel, coefficients);
  const gpu = inputs.gpus > 0 ? gpuPowerFor(inputs.gpuModel, coefficients) : undefined;
  // GPU utilisation is not reported, so GPUs always use the default.
  const gpuU = coefficients.defaultUtilisation.value;

  const avgW = (p: PowerRange, util: number) => p.minW + util * (p.maxW - p.minW);
  const cpuKwh = (avgW(cpu, u) * inputs.vcpus * inputs.hours) / 1000;
  const gpuKwh = gpu ? (avgW(gpu, gpuU) * inputs.gpus * inputs.hours) / 1000 : 0;
  const memoryKwh = inputs.memoryGb * inputs.hours * coefficients.memoryKwhPerGbHour.value;
  const estimatedKwh = (cpuKwh + gpuKwh + memoryKwh) * inputs.pue;
  const measured = inputs.measuredKwh;
  const usedKwh = measured !== undefined ? measured * inputs.pue : estimatedKwh;

  // Consequential view: the server is already built and powered, so the job adds only the
  // load-dependent part of the processors' power.
  const marginalW =
    u * (cpu.maxW - cpu.minW) * inputs.vcpus +
    (gpu ? gpuU * (gpu.maxW - gpu.minW) * inputs.gpus : 0);
  const marginalKwh = ((marginalW * inputs.hours) / 1000) * inputs.pue;

  const intensity = inputs.gridIntensity.value;
  const share = Math.max(
    inputs.vcpus / inputs.serverVcpus,
    inputs.serverGpus > 0 ? inputs.gpus / inputs.serverGpus : 0,
  );
  const lifetime = coefficients.serverLifetimeHours.value;
  const operationalGrams = usedKwh * intensity;
  const embodiedGrams = inputs.serverEmbodied.value * 1000 * (inputs.hours / lifetime) * share;
  const sciGrams = operationalGrams + embodiedGrams;
  const marginalGrams = marginalKwh * intensity;
  // New dedicated hardware of the same class would draw the full energy and carry its own
  // embodied share: the attributional SCI figure.
  const baselineGrams = sciGrams;
  const avoidedGrams = baselineGrams - marginalGrams;

  return {
    inputs: {
      hours: inputs.hours,
      vcpus: inputs.vcpus,
      serverVcpus: inputs.serverVcpus,
      utilisation: u,
      utilisationSource: inputs.utilisation === undefined ? "default" : "measured",
      memoryGb: inputs.memoryGb,
      gpus: inputs.gpus,
      ...(gpu ? { gpuModel: gpu.profile, gpuPowerSource: gpu.source } : {}),
      cpuPowerSource: `${cpu.profile}: ${cpu.source}`,
      pue: inputs.pue,
    },
    energy: {
      cpuKwh,
      gpuKwh,
      memoryKwh,
      estimatedKwh,
      ...(measured !== undefined ? { measuredKwh: measured } : {}),
      usedKwh,
      source: measured !== undefined ? "measured" : "estimated",
    },
    marginalKwh,
    operationalGrams,
    embodiedGrams,
    sciGrams,
    marginalGrams,
    baselineGrams,
    avoidedGrams,
    treeSeedlingsAvoided: treeSeedlings(avoidedGrams, coefficients),
  };
}

/** The job and node facts a settled job's carbon record is computed from. */
export interface SettledJobFacts {
  jobId: string;
  buyerId: string;
  requirements: JobRequirements;
  usage: Pick<JobUsage, "wallSeconds" | "cpuSeconds" | "energyKwhMeasured">;
  node: Pick<
    NodeDoc,
    "id" | "sellerId" | "hardware" | "region" | "gridIntensityOverride" | "carbonProfile"
  >;
  at: Date;
}

const MB_PER_GB = 1024;

/** The carbon record of a settled job; its id is the job id, so a replayed settlement rewrites the same record. */
export function buildCarbonRecord(
  facts: SettledJobFacts,
  coefficients: CarbonCoefficients = CARBON_COEFFICIENTS,
): CarbonRecord {
  const { node, requirements, usage } = facts;
  const profile = node.carbonProfile ?? {};
  const hours = usage.wallSeconds / 3600;
  const busy =
    usage.wallSeconds > 0
      ? usage.cpuSeconds / (usage.wallSeconds * requirements.cpuCores)
      : undefined;
  const gridIntensity = gridIntensityFor(node.region, node.gridIntensityOverride, coefficients);
  const serverEmbodied = serverEmbodiedKg(
    {
      ...(profile.serverClass ? { serverClass: profile.serverClass } : {}),
      cpuSockets: profile.cpuSockets ?? 1,
      memoryGb: node.hardware.memoryMb / MB_PER_GB,
      ssdCount: profile.ssdCount ?? 0,
      hddCount: profile.hddCount ?? 0,
      gpuCount: node.hardware.gpus.length,
    },
    coefficients,
  );
  const assessment = assessCarbon(
    {
      hours,
      vcpus: requirements.cpuCores,
      serverVcpus: Math.max(node.hardware.cpuThreads, requirements.cpuCores),
      ...(busy !== undefined ? { utilisation: Math.min(1, Math.max(0, busy)) } : {}),
      memoryGb: requirements.memoryMb / MB_PER_GB,
      gpus: requirements.gpuCount,
      serverGpus: node.hardware.gpus.length,
      ...(node.hardware.gpus[0] ? { gpuModel: node.hardware.gpus[0].model } : {}),
      ...(node.hardware.cpuFamily ? { cpuFamily: node.hardware.cpuFamily } : {}),
      cpuModel: node.hardware.cpuModel,
      pue: profile.pue ?? coefficients.pue.onPrem.value,
      ...(usage.energyKwhMeasured !== undefined ? { measuredKwh: usage.energyKwhMeasured } : {}),
      gridIntensity,
      serverEmbodied,
    },
    coefficients,
  );
  return {
    id: facts.jobId,
    jobId: facts.jobId,
    buyerId: facts.buyerId,
    sellerId: node.sellerId,
    nodeId: node.id,
    coefficientsVersion: coefficients.version,
    createdAt: facts.at.toISOString(),
    inputs: assessment.inputs,
    energy: assessment.energy,
    grid: { gramsPerKwh: gridIntensity.value, source: gridIntensity.source },
    embodied: {
      serverKg: serverEmbodied.value,
      source: serverEmbodied.source,
      lifetimeHours: coefficients.serverLifetimeHours.value,
    },
    operationalGrams: assessment.operationalGrams,
    embodiedGrams: assessment.embodiedGrams,
    sciGrams: assessment.sciGrams,
    marginalGrams: assessment.marginalGrams,
    baselineGrams: assessment.baselineGrams,
    avoidedGrams: assessment.avoidedGrams,
    treeSeedlingsAvoided: assessment.treeSeedlingsAvoided,
  };
}

/** The carbon summary copied onto the job document. */
export function summariseCarbon(record: CarbonRecord): JobCarbonSummary {
  return {
    energyKwh: record.energy.usedKwh,
    energySource: record.energy.source,
    emittedGrams: record.sciGrams,
    avoidedGrams: record.avoidedGrams,
    coefficientsVersion: record.coefficientsVersion,
  };
}
