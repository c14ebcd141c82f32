/**
 * The outer PCG driver shared by the WebAssembly engines (one in-process instance, or a pool of
 * worker threads each owning a row block). The engine runs the recurrence in chunks of
 * iterations; the driver reports progress, checks the true residual in float64 once the
 * recurrence converges, restarts from it when it misses, and turns every failure into a
 * {@link SolverError}. Failure rules and limits are those of the TypeScript reference
 * (solver/jsSolver.ts), whose constants it imports.
 */
import { maxCertificateRestarts, stallWindow } from './jsSolver.js';
import { SolverError, type SolveOptions } from './linearSolver.js';
import { PcgStatus } from './wasmKernel.js';

/** Iterations between onProgress calls (as the reference backend). */
export const progressInterval = 50;

/** State after a chunk of iterations. */
export interface ChunkResult {
  /** How the chunk ended. */
  readonly status: PcgStatus;
  /** Iterations since the start of the solve. */
  readonly iterations: number;
  /** Relative recurrence residual |r| / |b|. */
  readonly relativeResidual: number;
}

/** A PCG recurrence that runs somewhere (one instance, or several workers). */
export interface PcgEngine {
  /** Starts from x = 0; resolves to |b| squared. */
  start(): Promise<number>;
  /** Runs at most `maxIterations` more iterations. */
  run(maxIterations: number, relativeTolerance: number, stallWindow: number): Promise<ChunkResult>;
  /** Recomputes the true residual b - A x in float64; resolves to |r| / |b|. */
  trueResidual(): Promise<number>;
  /** Restarts the recurrence from the last true residual. */
  restart(): Promise<void>;
  /** The current solution x (a copy). */
  solution(): Promise<Float64Array>;
}

function failure(result: ChunkResult): SolverError {
  const { status, iterations, relativeResidual } = result;
  switch (status) {
    case PcgStatus.Indefinite:
      return new SolverError(
        'diverged',
        iterations,
        relativeResidual,
        'p.Kp <= 0: not positive definite',
      );
    case PcgStatus.Diverged:
      return new SolverError('diverged', iterations, relativeResidual);
    case PcgStatus.Stalled:
      return new SolverError('stalled', iterations, relativeResidual);
    default:
      return new SolverError('not-a-number', iterations, relativeResidual);
  }
}

/** Runs the recurrence until it converges, reporting progress; throws on failure. */
async function converge(engine: PcgEngine, options: SolveOptions, from: ChunkResult) {
  let last = from;
  for (;;) {
    const left = options.maxIterations - last.iterations;
    if (left <= 0) {
      throw new SolverError('max-iterations', last.iterations, last.relativeResidual);
    }
    const toReport = progressInterval - (last.iterations % progressInterval);
    const chunk = options.onProgress ? Math.min(left, toReport) : left;

    last = await engine.run(chunk, options.relativeTolerance, stallWindow);
    if (last.status < 0) throw failure(last);
    if (options.onProgress && last.iterations % progressInterval === 0) {
      options.onProgress(last.iterations, last.relativeResidual);
    }
    if (last.status === PcgStatus.Converged) return last;
  }
}

/**
 * Solves to a certified residual with `engine` (whose right-hand side is not zero). Resolves to
 * the solution, the iterations and the true relative residual.
 */
export async function drivePcg(
  engine: PcgEngine,
  options: SolveOptions,
): Promise<{ x: Float64Array; iterations: number; relativeResidual: number }> {
  await engine.start();
  const tolerance = options.relativeTolerance;
  let state: ChunkResult = { status: PcgStatus.Running, iterations: 0, relativeResidual: 1 };

  for (let restarts = 0; ; restarts++) {
    state = await converge(engine, options, state);

    const trueRelative = await engine.trueResidual();
    if (trueRelative <= tolerance) {
      return {
        x: await engine.solution(),
        iterations: state.iterations,
        relativeResidual: trueRelative,
      };
    }
    if (Number.isNaN(trueRelative)) {
      throw new SolverError('not-a-number', state.iterations, trueRelative);
    }
    if (restarts >= maxCertificateRestarts || state.iterations >= options.maxIterations) {
      throw new SolverError(
        'certificate',
        state.iterations,
        trueRelative,
        `tolerance ${tolerance}`,
      );
    }
    await engine.restart();
    state = { ...state, relativeResidual: trueRelative };
  }
}
