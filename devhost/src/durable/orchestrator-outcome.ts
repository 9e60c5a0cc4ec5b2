// Turns what an orchestrator invocation produced (a returned state, or a thrown
// OrchestrationFailureError carrying the state as JSON) into one plain outcome.
import { flattenActions, type OrchestratorAction } from "./actions.js";

export interface OrchestratorOutcome {
  actions: OrchestratorAction[];
  /** Set when the orchestrator returned (or continued as new). */
  done: boolean;
  /** JSON text of the returned value. */
  output: string | undefined;
  /** JSON text of the custom status, when the orchestrator set one. */
  customStatus: string | undefined;
  /** Set when the orchestrator threw. */
  error: string | undefined;
}

const OUT_OF_PROC_LABEL = "$OutOfProcData$:";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toJsonText(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

function fromState(state: Record<string, unknown>, error: string | undefined): OrchestratorOutcome {
  return {
    actions: flattenActions(state.actions),
    done: state.isDone === true && error === undefined,
    output: toJsonText(state.output ?? null),
    customStatus: toJsonText(state.customStatus),
    error,
  };
}

/** Outcome of an orchestrator invocation that resolved. */
export function outcomeFromResult(result: unknown): OrchestratorOutcome {
  if (!isRecord(result)) {
    return fromState(
      {},
      `The orchestrator returned ${typeof result} instead of an orchestration state.`,
    );
  }
  return fromState(result, typeof result.error === "string" ? result.error : undefined);
}

/** Outcome of an orchestrator invocation that threw: user code failed, or the library did. */
export function outcomeFromError(thrown: unknown): OrchestratorOutcome {
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  const at = message.indexOf(OUT_OF_PROC_LABEL);
  if (at >= 0) {
    try {
      const state: unknown = JSON.parse(message.slice(at + OUT_OF_PROC_LABEL.length));
      if (isRecord(state)) {
        const error = typeof state.error === "string" ? state.error : message.slice(0, at).trim();
        return fromState(state, error);
      }
    } catch {
      // Falls through to the plain message below.
    }
  }
  return fromState({}, message);
}
