// The one place errors become HTTP answers: typed domain errors and zod errors turn into
// application/problem+json; anything else is a 500 whose detail stays in the log.
import type { HttpResponseInit, InvocationContext } from "@azure/functions";
import type { Problem } from "@wastecompute/contracts";
import { z } from "zod";
import { isDomainError, ValidationError, type FieldError } from "../domain/errors.js";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** A request the HTTP layer refuses before it reaches the domain (size, media type, method). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

const joinPath = (path: readonly PropertyKey[]): string => path.map(String).join(".") || "(body)";

/** One entry per offending field; an unknown key is reported at its own path. */
export function fieldErrors(error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldError[] {
  return error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({
          path: joinPath([...prefix, ...issue.path, key]),
          message: "is not a known field",
        }))
      : [{ path: joinPath([...prefix, ...issue.path]), message: issue.message }],
  );
}

/** A zod failure as the domain's ValidationError, so one mapping serves both. */
export function validationFailed(
  what: string,
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
): ValidationError {
  return new ValidationError(`The ${what} is invalid.`, fieldErrors(error, prefix));
}

export function problemResponse(
  problem: Problem & Record<string, unknown>,
  headers: Record<string, string> = {},
): HttpResponseInit {
  return {
    status: problem.status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, ...headers },
    body: JSON.stringify(problem),
  };
}

const problemType = (slug: string) => `https://wastecompute.dev/problems/${slug}`;

export function errorToResponse(error: unknown, context: InvocationContext): HttpResponseInit {
  if (error instanceof z.ZodError)
    return errorToResponse(validationFailed("request", error), context);
  if (isDomainError(error)) {
    const problem: Problem & Record<string, unknown> = {
      type: error.type,
      title: error.title,
      status: error.status,
      detail: error.message,
    };
    if (error instanceof ValidationError && error.errors.length > 0) problem.errors = error.errors;
    return problemResponse(
      problem,
      error.status === 401 ? { "www-authenticate": 'Bearer realm="wastecompute"' } : {},
    );
  }
  if (error instanceof HttpProblem) {
    return problemResponse({
      type: problemType(error.title.toLowerCase().replace(/[^a-z]+/g, "-")),
      title: error.title,
      status: error.status,
      detail: error.message,
      ...error.extra,
    });
  }
  context.error(
    "unhandled error",
    error instanceof Error
      ? { name: error.name, message: error.message, stack: error.stack }
      : String(error),
  );
  return problemResponse({
    type: problemType("internal"),
    title: "Internal error",
    status: 500,
    detail: `Something went wrong on our side (invocation ${context.invocationId}).`,
  });
}
