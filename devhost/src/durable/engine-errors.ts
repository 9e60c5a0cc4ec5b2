// Why a client operation on the engine was refused; the HTTP API maps each to a status code.

export class UnknownOrchestratorError extends Error {
  override name = "UnknownOrchestratorError";
}

export class InstanceNotFoundError extends Error {
  override name = "InstanceNotFoundError";
}

/** The instance already finished (raise event, terminate, suspend, resume). */
export class InstanceFinishedError extends Error {
  override name = "InstanceFinishedError";
}

/** The instance has not finished (start with its id, purge). */
export class InstanceRunningError extends Error {
  override name = "InstanceRunningError";
}
