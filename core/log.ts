/**
 * Progress logging, one line per pipeline phase with its sizes and time. Goes to stderr so that
 * stdout stays clean for `--json`. Silent when the logger is created quiet (tests, pipelines).
 */

/** Receives one line per phase. */
export interface PhaseLogger {
  /** Prints `phase: detail (time)`; `timeMs` is the phase's wall time in milliseconds. */
  phase(name: string, detail: string, timeMs?: number): void;
  /** Prints a warning line, prefixed `warning:`. */
  warn(message: string): void;
}

/** A logger writing to stderr, or a silent one when `quiet` is true. */
export function createLogger(quiet = false): PhaseLogger {
  if (quiet) return { phase() {}, warn() {} };
  return {
    phase(name, detail, timeMs) {
      const time = timeMs === undefined ? '' : ` (${(timeMs / 1000).toFixed(2)} s)`;
      process.stderr.write(`${name.padEnd(9)} ${detail}${time}\n`);
    },
    warn(message) {
      process.stderr.write(`warning: ${message}\n`);
    },
  };
}

/** Runs `work`, returning its result and its wall time in milliseconds. */
export async function timed<T>(work: () => T | Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}
