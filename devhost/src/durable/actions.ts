// Reads the actions a durable-functions orchestrator returns. Every replay returns the whole
// execution's actions in scheduling order, so the engine only acts on the ones past those it knows.

export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

export interface RetryPolicy {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

export type OrchestratorAction =
  | { kind: "activity"; functionName: string; input: string | undefined; retry?: RetryPolicy }
  | {
      kind: "subOrchestration";
      functionName: string;
      instanceId: string | undefined;
      input: string | undefined;
      retry?: RetryPolicy;
    }
  | { kind: "timer"; fireAt: string; isCanceled: boolean }
  | { kind: "waitForEvent"; name: string }
  | { kind: "continueAsNew"; input: string | undefined }
  | { kind: "unsupported"; actionType: number };

type UnknownRecord = Record<string, unknown>;

function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function toRetryPolicy(value: unknown): RetryPolicy | undefined {
  if (!isRecord(value)) return undefined;
  const first = optionalNumber(value.firstRetryIntervalInMilliseconds);
  const attempts = optionalNumber(value.maxNumberOfAttempts);
  if (first === undefined || attempts === undefined) return undefined;
  const policy: RetryPolicy = {
    firstRetryIntervalInMilliseconds: first,
    maxNumberOfAttempts: attempts,
  };
  const coefficient = optionalNumber(value.backoffCoefficient);
  const maxInterval = optionalNumber(value.maxRetryIntervalInMilliseconds);
  const timeout = optionalNumber(value.retryTimeoutInMilliseconds);
  if (coefficient !== undefined) policy.backoffCoefficient = coefficient;
  if (maxInterval !== undefined) policy.maxRetryIntervalInMilliseconds = maxInterval;
  if (timeout !== undefined) policy.retryTimeoutInMilliseconds = timeout;
  return policy;
}

/**
 * Action inputs follow the extension's wire quirk: the library JSON-encodes string inputs and
 * leaves other values raw, so a string here is JSON text and anything else still needs encoding.
 */
export function encodeActionInput(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function toDateText(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value === "string" && !Number.isNaN(Date.parse(value)))
    return new Date(value).toISOString();
  return undefined;
}

function toAction(raw: UnknownRecord): OrchestratorAction {
  const actionType = optionalNumber(raw.actionType) ?? -1;
  switch (actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry: {
      if (typeof raw.functionName !== "string") return { kind: "unsupported", actionType };
      const action: OrchestratorAction = {
        kind: "activity",
        functionName: raw.functionName,
        input: encodeActionInput(raw.input),
      };
      if (actionType === ActionType.CallActivityWithRetry) {
        const retry = toRetryPolicy(raw.retryOptions);
        if (retry === undefined) return { kind: "unsupported", actionType };
        action.retry = retry;
      }
      return action;
    }
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry: {
      if (typeof raw.functionName !== "string") return { kind: "unsupported", actionType };
      // Unlike activity inputs, sub-orchestration inputs are never pre-encoded by the library.
      const action: OrchestratorAction = {
        kind: "subOrchestration",
        functionName: raw.functionName,
        instanceId:
          typeof raw.instanceId === "string" && raw.instanceId !== "" ? raw.instanceId : undefined,
        input: raw.input === undefined ? undefined : JSON.stringify(raw.input),
      };
      if (actionType === ActionType.CallSubOrchestratorWithRetry) {
        const retry = toRetryPolicy(raw.retryOptions);
        if (retry === undefined) return { kind: "unsupported", actionType };
        action.retry = retry;
      }
      return action;
    }
    case ActionType.CreateTimer: {
      const fireAt = toDateText(raw.fireAt);
      if (fireAt === undefined) return { kind: "unsupported", actionType };
      return { kind: "timer", fireAt, isCanceled: raw.isCanceled === true };
    }
    case ActionType.WaitForExternalEvent:
      return typeof raw.externalEventName === "string"
        ? { kind: "waitForEvent", name: raw.externalEventName }
        : { kind: "unsupported", actionType };
    case ActionType.ContinueAsNew:
      return { kind: "continueAsNew", input: encodeActionInput(raw.input) };
    default:
      return { kind: "unsupported", actionType };
  }
}

/**
 * Flattens `actions: Action[][]` depth-first, compound actions (WhenAny/WhenAll) into their
 * children, in the order the library assigns sequence numbers. A task yielded again inside a later
 * compound is the same action object; it is listed once, as the library numbers it once.
 */
export function flattenActions(actions: unknown): OrchestratorAction[] {
  const seen = new Set<object>();
  const out: OrchestratorAction[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (!isRecord(node) || seen.has(node)) return;
    seen.add(node);
    if (node.actionType === ActionType.WhenAll || node.actionType === ActionType.WhenAny) {
      visit(node.compoundActions);
      return;
    }
    out.push(toAction(node));
  };
  visit(actions);
  return out;
}

/** Whether the action takes a sequence number (the id its completion event refers to). */
export function takesSequenceNumber(action: OrchestratorAction): boolean {
  return (
    action.kind === "activity" || action.kind === "subOrchestration" || action.kind === "timer"
  );
}
