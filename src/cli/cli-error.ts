/** An error the CLI reports in one line and exits with: 2 for usage and unreadable input. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = "CliError";
  }
}
