/**
 * A failure the user can fix. `message` is the one line shown (what went wrong and what to do);
 * `details` are optional context lines printed above it (e.g. a child's last output).
 */
export class StackError extends Error {
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = "StackError";
  }
}
