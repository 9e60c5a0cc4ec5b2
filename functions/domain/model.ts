// The domain's view of the documents stored in Cosmos DB (database `wastecompute`). Plain,
// JSON-serialisable data: instants are ISO-8601 UTC strings, money is integer micro-dollars.
//
// | container | partition key | document      |
// |-----------|---------------|---------------|
// | accounts  | /id           | AccountDoc    |
// | jobs      | /buyerId      | JobDoc        |
// | nodes     | /sellerId     | NodeDoc       |
// | ledger    | /accountId    | LedgerEntry   |
// | carbon    | /buyerId      | CarbonRecord  |
//
// Fields that also appear on the wire keep the names of @wastecompute/contracts so the HTTP layer
// maps them one to one; the extra fields here are what the platform needs internally.
import type {
  HardwareSpec,
  Isolation,
  JobRequirements,
  JobStatus,
  OwnerPolicy,
  ResourceType,
  Role,
} from "@wastecompute/contracts";

export type {
  HardwareSpec,
  Isolation,
  JobRequirements,
  JobStatus,
  OwnerPolicy,
  ResourceType,
  Role,
};

/** An instant as stored: ISO-8601 UTC (`Date.prototype.toISOString()`). */
export type IsoInstant = string;

/** Calendar month `YYYY-MM` (UTC) that a ledger entry belongs to. */
export type Month = string;

// ---------------------------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------------------------

/** One status change, appended in order; the first one is the job's creation (`queued`). */
export interface JobTransition {
  status: JobStatus;
  at: IsoInstant;
  reason: string;
  /** Attempt number in force after the change (0 before the first placement). */
  attempt: number;
  nodeId?: string;
}

/** Why an attempt (one placement on one node) ended. */
export type AttemptOutcome =
  | "succeeded"
  | "failed"
  | "timed_out"
  | "cancelled"
  | "lost"
  /** The platform took the job back to the queue (accept timeout, node lost, preempted). */
  | "requeued";

/** One placement of the job on a node. `number` starts at 1. */
export interface JobAttempt {
  number: number;
  nodeId: string;
  sellerId: string;
  placedAt: IsoInstant;
  startedAt?: IsoInstant;
  endedAt?: IsoInstant;
  outcome?: AttemptOutcome;
  reason?: string;
}

/** Where the current (or, once finished, the last) attempt runs; null while queued. */
export interface JobAssignment {
  nodeId: string;
  sellerId: string;
  attempt: number;
  /** Bound to job + node + attempt; agent calls carrying another lease are refused (409). */
  leaseToken: string;
  gpuIndexes: number[];
  placedAt: IsoInstant;
}

/** What the agent reported when the job finished (mirrors the contract's JobUsage). */
export interface JobUsage {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  gpuSeconds: number;
  /** Linux RAPL reading for the job, when the node can measure it. */
  energyKwhMeasured?: number;
  startedAt: IsoInstant;
  finishedAt: IsoInstant;
}

/** Time-of-use band of a priced stretch of seconds. */
export type PriceBand = "peak" | "offpeak";

/** One priced line: a resource, a band, its seconds, and the exact amount. */
export interface PriceLine {
  resourceType: ResourceType;
  band: PriceBand;
  seconds: number;
  /** Requested cores (cpu) or GPUs (gpu) billed for every second. */
  units: number;
  /** Rate-card rate for one unit-second before the time-of-use multiplier. */
  unitMicrosPerSecond: number;
  /** Multiplier in thousandths (1500 = ×1.5) so every amount stays an integer. */
  multiplierPermille: number;
  amountMicros: number;
}

/** The price of one job's usage; `discount + net == gross`, `fee + earning == net`. */
export interface UsagePrice {
  rateCardVersion: string;
  currency: "USD";
  timeZone: string;
  billedSeconds: number;
  peakSeconds: number;
  offPeakSeconds: number;
  lines: PriceLine[];
  grossMicros: number;
  discountMicros: number;
  netMicros: number;
  platformFeeMicros: number;
  sellerEarningMicros: number;
}

/** Carbon figures copied onto the job (the full record lives in the carbon container). */
export interface JobCarbonSummary {
  energyKwh: number;
  energySource: "measured" | "estimated";
  emittedGrams: number;
  avoidedGrams: number;
  coefficientsVersion: string;
}

/** A job. Partition key: buyerId. */
export interface JobDoc {
  id: string;
  buyerId: string;
  status: JobStatus;
  command: string;
  resourceType: ResourceType;
  requirements: JobRequirements;
  maxRuntimeSec: number;
  queueTimeoutSec: number;
  networkAccess: boolean;
  /** Stored for dispatch; only the names are ever shown back. */
  env: Record<string, string>;
  createdAt: IsoInstant;
  updatedAt: IsoInstant;
  /** Current attempt number: 0 while never placed, then 1, 2, ... */
  attempt: number;
  maxAttempts: number;
  attempts: JobAttempt[];
  assignment: JobAssignment | null;
  transitions: JobTransition[];
  /** Set when the buyer asked to cancel a placed/running job and the agent has not stopped yet. */
  cancelRequestedAt?: IsoInstant;
  /** Convenience copy of `assignment.nodeId` / the last node the job ran on. */
  nodeId?: string;
  exitCode?: number;
  signal?: string;
  failureReason?: string;
  usage?: JobUsage;
  cost?: UsagePrice;
  carbon?: JobCarbonSummary;
  logBytes: number;
}

// ---------------------------------------------------------------------------------------------
// Nodes
// ---------------------------------------------------------------------------------------------

/** Capacity held on a node for one job; released when the job settles (idempotently). */
export interface Reservation {
  jobId: string;
  cpuCores: number;
  memoryMb: number;
  gpuCount: number;
  gpuIndexes: number[];
  reservedAt: IsoInstant;
}

/** The state the agent reported in its last heartbeat. */
export type AgentState = "idle" | "busy" | "draining" | "paused";

/** Counts behind the reliability score, for display and audits. */
export interface NodeOutcomeCounts {
  completed: number;
  lost: number;
  notStarted: number;
}

/**
 * Optional facts a seller may declare so the carbon estimate can be better than the defaults
 * (see docs/carbon-methodology.md). Everything absent falls back to the default coefficients.
 */
export interface NodeCarbonProfile {
  /** Power usage effectiveness of the room the machine stands in; default on-prem 1.58. */
  pue?: number;
  /** Known server class with a published embodied figure, e.g. "m5.metal". */
  serverClass?: string;
  cpuSockets?: number;
  ssdCount?: number;
  hddCount?: number;
}

/** A seller's machine. Partition key: sellerId. */
export interface NodeDoc {
  id: string;
  sellerId: string;
  name: string;
  /** Country code (e.g. "DE") or cloud region (e.g. "westeurope"); "world" when unknown. */
  region: string;
  /** IANA zone: time-of-use pricing and the owner's allowed hours are in this zone. */
  timeZone: string;
  /** Jobs the node runs at once. */
  slots: number;
  hardware: HardwareSpec;
  isolation: Isolation;
  /** The least the seller accepts, in micro-dollars per second of one job (whole request). */
  priceFloorMicrosPerSecond?: number;
  /** The seller's own contract grid intensity, gCO2e/kWh (shown as an override). */
  gridIntensityOverride?: number;
  carbonProfile?: NodeCarbonProfile;
  policy: OwnerPolicy;
  agentVersion?: string;
  /** SHA-256 hex of the node token; the token itself is never stored. */
  tokenHash: string;
  queueName: string;
  createdAt: IsoInstant;
  updatedAt: IsoInstant;
  lastHeartbeatAt?: IsoInstant;
  agentState: AgentState;
  /** Owner's own CPU load (0..100) from the last heartbeat, when reported. */
  ownerCpuPercent?: number;
  reservations: Reservation[];
  /** 0..1, an exponential moving average of attempt outcomes attributable to the node. */
  reliability: number;
  outcomes: NodeOutcomeCounts;
}

// ---------------------------------------------------------------------------------------------
// Ledger
// ---------------------------------------------------------------------------------------------

export const LEDGER_KINDS = ["charge", "discount", "earning", "fee"] as const;
/**
 * charge: buyer owes the gross price; discount: reduces what the buyer owes; earning: the seller's
 * 85 % of the net; fee: the platform's 15 % of the net.
 */
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** The settlement every entry of a job carries, so any one partition can explain itself. */
export interface SettlementSummary {
  buyerId: string;
  sellerId: string;
  nodeId: string;
  resourceType: ResourceType;
  billedSeconds: number;
  peakSeconds: number;
  offPeakSeconds: number;
  grossMicros: number;
  discountMicros: number;
  netMicros: number;
  platformFeeMicros: number;
  sellerEarningMicros: number;
}

/**
 * An immutable ledger entry. Partition key: accountId (buyer, seller, or PLATFORM_ACCOUNT_ID).
 * `id` is `${jobId}:${kind}`, so replaying a settlement writes nothing twice.
 * `amountMicros` is never negative; `kind` says which way it goes.
 */
export interface LedgerEntry {
  id: string;
  accountId: string;
  kind: LedgerKind;
  jobId: string;
  amountMicros: number;
  currency: "USD";
  month: Month;
  createdAt: IsoInstant;
  description: string;
  settlement: SettlementSummary;
}

// ---------------------------------------------------------------------------------------------
// Carbon
// ---------------------------------------------------------------------------------------------

/** Per-job carbon record. Partition key: buyerId; id = job id. Grams are gCO2e. */
export interface CarbonRecord {
  id: string;
  jobId: string;
  buyerId: string;
  sellerId: string;
  nodeId: string;
  coefficientsVersion: string;
  createdAt: IsoInstant;
  /** Inputs, so the figures are reproducible. */
  inputs: {
    hours: number;
    vcpus: number;
    serverVcpus: number;
    utilisation: number;
    utilisationSource: "measured" | "default";
    memoryGb: number;
    gpus: number;
    gpuModel?: string;
    cpuPowerSource: string;
    gpuPowerSource?: string;
    pue: number;
  };
  energy: {
    cpuKwh: number;
    gpuKwh: number;
    memoryKwh: number;
    estimatedKwh: number;
    measuredKwh?: number;
    /** The figure used below: measured beats estimated. */
    usedKwh: number;
    source: "measured" | "estimated";
  };
  grid: { gramsPerKwh: number; source: string };
  embodied: { serverKg: number; source: string; lifetimeHours: number };
  /** SCI (attributional): O = E × I, M = TE × (TiR/EL) × (RR/ToR), SCI = O + M. */
  operationalGrams: number;
  embodiedGrams: number;
  sciGrams: number;
  /** Consequential view: only the energy the job added to an already-powered idle server. */
  marginalGrams: number;
  /** The same job on new dedicated hardware: full energy + new hardware's embodied share. */
  baselineGrams: number;
  /** baseline − marginal: "compared with provisioning new hardware". */
  avoidedGrams: number;
  treeSeedlingsAvoided: number;
}

// ---------------------------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------------------------

/** An API key as stored: only a SHA-256 hash and a recognisable prefix. */
export interface ApiKeyRecord {
  id: string;
  prefix: string;
  sha256: string;
  createdAt: IsoInstant;
  revokedAt?: IsoInstant;
}

/** A buyer, seller or admin (one account may hold several roles). Partition key: id. */
export interface AccountDoc {
  id: string;
  name: string;
  email: string;
  roles: Role[];
  /** Research accounts get the research discount on every job. */
  research: boolean;
  apiKeys: ApiKeyRecord[];
  createdAt: IsoInstant;
  updatedAt: IsoInstant;
}
