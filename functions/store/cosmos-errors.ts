// Narrowing of @azure/cosmos errors by HTTP status, so repositories can say what they expect.
export function cosmosStatus(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === "number") return code;
  }
  return undefined;
}

export const isNotFound = (error: unknown): boolean => cosmosStatus(error) === 404;
export const isConflict = (error: unknown): boolean => cosmosStatus(error) === 409;
export const isPreconditionFailed = (error: unknown): boolean => cosmosStatus(error) === 412;
