/** Bad command line: the message names the flag; the CLI exits with status 2. */
export class CliUsageError extends Error {
  override readonly name = "CliUsageError";
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(`${flag}: ${message}`);
  }
}

/** The command line was fine but the sandbox could not start (port taken, unreadable keys): exit 1. */
export class CliStartError extends Error {
  override readonly name = "CliStartError";
}
