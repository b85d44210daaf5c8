/** A CLI failure: printed as one line on stderr (or as JSON with --json) with a non-zero exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 'INVALID_INPUT',
    readonly exitCode = 2,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Runs a command action, turning CliError into a clean message and exit code instead of a stack trace. */
export async function runAction(json: boolean, action: () => Promise<void> | void): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof CliError) {
      if (json) {
        process.stdout.write(
          `${JSON.stringify({ error: { code: error.code, message: error.message, details: error.details } })}\n`,
        );
      } else {
        process.stderr.write(`upkeep: ${error.message}\n`);
      }
      process.exitCode = error.exitCode;
      return;
    }
    throw error;
  }
}
