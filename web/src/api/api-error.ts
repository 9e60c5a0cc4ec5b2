// Every failed API call becomes one ApiError, built from the problem+json body when there is one.
import { ProblemSchema } from "@wastecompute/contracts";

/** A field the server rejected, with its path normalised to dots (`requirements.cpuCores`). */
export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly fieldErrors: readonly FieldError[] = [],
  ) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = "ApiError";
  }

  /** Status 0: the request never got an HTTP answer. */
  get isNetwork(): boolean {
    return this.status === 0;
  }
}

export function normaliseFieldPath(path: string): string {
  return path
    .replace(/^[#/$.]+/, "")
    .replace(/\[(\d+)\]/g, ".$1")
    .replace(/\//g, ".");
}

/** Build the error from a response body that may or may not be problem+json. */
export function errorFromBody(status: number, statusText: string, body: unknown): ApiError {
  const problem = ProblemSchema.safeParse(body);
  if (!problem.success) return new ApiError(status, statusText || `HTTP ${status}`, undefined);
  const { title, detail, errors } = problem.data;
  return new ApiError(
    status,
    title,
    detail,
    (errors ?? []).map((e) => ({ path: normaliseFieldPath(e.path), message: e.message })),
  );
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return "Something went wrong";
}
