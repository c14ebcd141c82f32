/**
 * Error policy of METASTRA-VPH.
 *
 * - A user mistake (bad file, bad option, unreadable scan) is a {@link UserError}: one line naming
 *   the file, the field and the value. The CLI prints it and exits with code 1.
 * - A numerical failure (inverted element, non-convergence, failed residual certificate) is a
 *   {@link NumericalError} subclass carrying the element, iteration or value. Exit code 2.
 * - A broken internal contract throws a plain `Error` at once. Exit code 2.
 *
 * Never log and return false: every failure is thrown, once, on one channel.
 */

/** A mistake in the user's input or options: reported as one line, exit code 1. */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** A numerical failure inside the pipeline, with the values that locate it. */
export class NumericalError extends Error {
  override readonly name: string = 'NumericalError';
  /** Values that locate the failure (element index, iteration, residual, ...). */
  readonly details: Readonly<Record<string, number | string>>;

  constructor(message: string, details: Record<string, number | string> = {}) {
    super(message);
    this.details = details;
  }
}

/** Exit code the CLI uses for an error: 1 for user errors, 2 for everything else. */
export function exitCodeFor(error: unknown): 1 | 2 {
  return error instanceof UserError ? 1 : 2;
}
