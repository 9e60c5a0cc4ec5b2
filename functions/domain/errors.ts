// Typed domain errors. Each carries the HTTP status and the problem type it maps to, so the HTTP
// layer turns any DomainError into application/problem+json in one place without a lookup table.

/** One invalid field: `path` is dotted (e.g. "requirements.gpuCount"). */
export interface FieldError {
  path: string;
  message: string;
}

/** Base of every error the domain throws on purpose. */
export abstract class DomainError extends Error {
  /** HTTP status the error maps to. */
  abstract readonly status: number;
  /** Stable problem `type` URI (RFC 9457). */
  abstract readonly type: string;
  /** Short, human, stable summary of the problem type. */
  abstract readonly title: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

const problemType = (slug: string) => `https://wastecompute.dev/problems/${slug}`;

/** Input that breaks a rule; lists every offending field. */
export class ValidationError extends DomainError {
  readonly status = 400;
  readonly type = problemType("validation");
  readonly title = "Invalid request";
  readonly errors: FieldError[];

  constructor(message: string, errors: FieldError[] = []) {
    super(message);
    this.errors = errors;
  }
}

/** No credentials, or credentials that match nobody. */
export class UnauthorizedError extends DomainError {
  readonly status = 401;
  readonly type = problemType("unauthorized");
  readonly title = "Unauthorized";
}

/** Known caller, not allowed to do this. */
export class ForbiddenError extends DomainError {
  readonly status = 403;
  readonly type = problemType("forbidden");
  readonly title = "Forbidden";
}

/** The thing does not exist (or the caller may not know it exists). */
export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly type = problemType("not-found");
  readonly title = "Not found";
}

/** The request fights the current state (stale lease, etag mismatch, duplicate). */
export class ConflictError extends DomainError {
  readonly status = 409;
  readonly type = problemType("conflict");
  readonly title = "Conflict";
}

/** A job status change the state machine does not allow. */
export class InvalidTransitionError extends DomainError {
  readonly status = 409;
  readonly type = problemType("invalid-transition");
  readonly title = "Invalid job status change";

  constructor(
    readonly from: string,
    readonly to: string,
    detail?: string,
  ) {
    super(detail ?? `a job cannot go from ${from} to ${to}`);
  }
}

/** The node has no room left for the request (another job took it first). */
export class InsufficientCapacityError extends DomainError {
  readonly status = 409;
  readonly type = problemType("insufficient-capacity");
  readonly title = "Insufficient capacity";

  constructor(
    readonly nodeId: string,
    message: string,
  ) {
    super(message);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
