/** Turns any thrown value into a one-line message for the terminal: no stack traces for users. */
export function formatCliError(err: unknown): string {
  if (err instanceof Error) {
    if (process.env.DOJO_DEBUG) return err.stack ?? err.message;
    return err.message;
  }
  return String(err);
}
