// The carbon coefficient set: every number the carbon method uses, with where it comes from.
// Every CarbonRecord stores `version`; changing any value here means a new version string.
// docs/carbon-methodology.md lists the same table for people.

/** Idle and full-load power of one unit (a vCPU or a GPU), in watts. */
export interface PowerRange {
  minW: number;
  maxW: number;
  source: string;
}

/** A figure with where it comes from. */
export interface Sourced {
  value: number;
  source: string;
}

export interface CarbonCoefficients {
  version: string;
  /** Per-vCPU power by CPU family; `default` when the family is unknown. */
  cpuPower: Record<string, PowerRange> & { default: PowerRange };
  /** Per-GPU power by model token (matched against the model name the agent reports). */
  gpuPower: Record<string, PowerRange>;
  /** Used for a GPU whose model is not in `gpuPower`. */
  unknownGpuModel: string;
  /** kWh per GB-hour of memory. */
  memoryKwhPerGbHour: Sourced;
  /** Power usage effectiveness; `onPrem` is the default for seller machines. */
  pue: { onPrem: Sourced; aws: Sourced; gcp: Sourced; azure: Sourced };
  /** Utilisation assumed when none was measured (CCF's convention). */
  defaultUtilisation: Sourced;
  /** Grid intensity, gCO2e/kWh, by ISO country code; `WORLD` is the default. */
  gridIntensity: Record<string, Sourced> & { WORLD: Sourced };
  /** Server lifetime EL for embodied amortisation, hours. */
  serverLifetimeHours: Sourced;
  /** Teads/CCF server manufacturing model, kgCO2e. */
  embodiedModel: {
    baseServerKg: number;
    perExtraCpuKg: number;
    perHddKg: number;
    perSsdKg: number;
    perGpuKg: number;
    dramThresholdGb: number;
    perGbAboveThresholdKg: number;
    source: string;
  };
  /** Published embodied totals for known server classes, kgCO2e. */
  serverClassEmbodiedKg: Record<string, Sourced>;
  /** kg CO2 one tree seedling takes up over 10 years. */
  treeSeedlingKg: Sourced;
}

const CCF_METHODOLOGY = "Cloud Carbon Footprint, Methodology.md";
const CCF_PROCESSORS = "Cloud Carbon Footprint, packages/core/src/compute/ComputeProcessorTypes.ts";
const CCF_GPUS = "Cloud Carbon Footprint ComputeProcessorTypes.ts (Teads / TechPowerUp)";
const VENDOR_TDP = "vendor TDP (NVIDIA SXM, 700 W) as max, ~11% of max as idle";
const EMBER = "Ember, yearly electricity data 2024";
const CCF_EMBODIED = "cloud-carbon-coefficients, output/coefficients-aws-embodied.csv";

const cpu = (minW: number, maxW: number, source = CCF_PROCESSORS): PowerRange => ({
  minW,
  maxW,
  source,
});
const gpu = (minW: number, maxW: number, source = CCF_GPUS): PowerRange => ({ minW, maxW, source });
const grid = (value: number): Sourced => ({ value, source: EMBER });

export const CARBON_COEFFICIENTS: CarbonCoefficients = {
  version: "wc-carbon-2026.1",
  cpuPower: {
    default: cpu(0.74, 3.5, `${CCF_METHODOLOGY} (AWS average per vCPU)`),
    "gcp-median": cpu(0.71, 4.26, `${CCF_METHODOLOGY} (GCP median per vCPU)`),
    "azure-average": cpu(0.78, 3.76, `${CCF_METHODOLOGY} (Azure average per vCPU)`),
    "cascade-lake": cpu(0.64, 3.97),
    skylake: cpu(0.65, 4.26),
    broadwell: cpu(0.71, 3.69),
    haswell: cpu(1.0, 4.74),
    "epyc-gen1": cpu(0.82, 2.55),
    "epyc-gen2": cpu(0.47, 1.69),
    "epyc-gen3": cpu(0.45, 2.02),
  },
  gpuPower: {
    t4: gpu(8, 71),
    v100: gpu(35, 306),
    a100: gpu(46, 407),
    a10g: gpu(18, 153),
    p100: gpu(36, 306),
    p4: gpu(9, 76.5),
    k80: gpu(35, 306),
    h100: gpu(77, 700, VENDOR_TDP),
    h200: gpu(77, 700, VENDOR_TDP),
  },
  unknownGpuModel: "a100",
  memoryKwhPerGbHour: { value: 0.000392, source: CCF_METHODOLOGY },
  pue: {
    onPrem: {
      value: 1.58,
      source: "Uptime Institute global average, via CCF on-premise constants",
    },
    aws: { value: 1.135, source: CCF_METHODOLOGY },
    gcp: { value: 1.1, source: CCF_METHODOLOGY },
    azure: { value: 1.185, source: CCF_METHODOLOGY },
  },
  defaultUtilisation: {
    value: 0.5,
    source: `${CCF_METHODOLOGY} (average utilisation when unknown)`,
  },
  gridIntensity: {
    WORLD: grid(473),
    US: grid(384),
    DE: grid(342),
    GB: grid(216),
    FR: grid(44),
    IN: grid(709),
    SE: grid(36),
  },
  serverLifetimeHours: { value: 35_040, source: "GSF SCI specification v1.1 (4-year server life)" },
  embodiedModel: {
    baseServerKg: 1_000,
    perExtraCpuKg: 100,
    perHddKg: 50,
    perSsdKg: 100,
    perGpuKg: 150,
    dramThresholdGb: 16,
    perGbAboveThresholdKg: 533 / 384,
    source: "Teads / cloud-carbon-coefficients ccfcoef/constants.py (Dell R740 LCA)",
  },
  serverClassEmbodiedKg: {
    "m5.metal": { value: 1_610.79, source: CCF_EMBODIED },
    "r5.metal": { value: 2_143.79, source: CCF_EMBODIED },
    "p4d.24xlarge": { value: 4_676.79, source: CCF_EMBODIED },
  },
  treeSeedlingKg: {
    value: 60,
    source: "US EPA greenhouse gas equivalencies (tree seedling grown 10 years)",
  },
};

/** Cloud regions we can place in a country of the grid table; anything else is WORLD. */
export const REGION_COUNTRY: Record<string, string> = {
  // Azure
  eastus: "US",
  eastus2: "US",
  westus: "US",
  westus2: "US",
  westus3: "US",
  centralus: "US",
  northcentralus: "US",
  southcentralus: "US",
  westcentralus: "US",
  germanywestcentral: "DE",
  germanynorth: "DE",
  uksouth: "GB",
  ukwest: "GB",
  francecentral: "FR",
  francesouth: "FR",
  centralindia: "IN",
  southindia: "IN",
  westindia: "IN",
  swedencentral: "SE",
  // AWS
  "eu-central-1": "DE",
  "eu-west-2": "GB",
  "eu-west-3": "FR",
  "eu-north-1": "SE",
  "ap-south-1": "IN",
  // GCP
  "europe-west3": "DE",
  "europe-west2": "GB",
  "europe-west9": "FR",
  "asia-south1": "IN",
  // common aliases
  uk: "GB",
  usa: "US",
};
