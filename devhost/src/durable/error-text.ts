// The message and details of anything thrown, for TaskFailed events and log lines.

export function errorText(error: unknown): { message: string; details: string } {
  if (error instanceof Error)
    return { message: error.message, details: error.stack ?? error.message };
  const message = typeof error === "string" ? error : (JSON.stringify(error) ?? String(error));
  return { message, details: message };
}
