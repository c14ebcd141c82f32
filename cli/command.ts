/**
 * What a `vph` subcommand provides: its one-line summary, its help text and its action.
 */

/** A `vph` subcommand. */
export interface Command {
  /** One-line summary for `vph --help`. */
  readonly summary: string;
  /** Full help text for `vph CMD --help`. */
  readonly help: string;
  /** Runs the command on its arguments (everything after the command name). */
  run(args: string[]): Promise<void>;
}
