/**
 * An expected failure of a migration command (bad input, refused step, failed step): the
 * CLI prints its message as one line, without a stack trace, and exits with `exitCode`.
 */
export class MigrateError extends Error {
  override name = 'MigrateError';
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}
