/**
 * The contract every PCG backend (TypeScript, WebAssembly, WebGPU) fulfils: solve K u = f for a
 * symmetric positive definite block sparse K to a certified relative residual.
 *
 * Certificate: after the iteration stops, the backend recomputes r = f - K u in float64 from the
 * float64 matrix and reports |r| / |f|. A result is returned only when that true residual is at
 * most the tolerance; otherwise a {@link SolverError} is thrown.
 */
import { NumericalError } from '../core/errors.js';
import type { BlockSparseMatrix } from './blockSparse.js';

/** Options common to every backend. */
export interface SolveOptions {
  /** Required true relative residual |f - K u| / |f| (default 1e-8). */
  readonly relativeTolerance: number;
  /** Iteration limit; exceeding it is a {@link SolverError}. */
  readonly maxIterations: number;
  /** Called now and then with the iteration count and the recurrence's relative residual. */
  readonly onProgress?: (iteration: number, relativeResidual: number) => void;
}

/** A certified solution. */
export interface SolveResult {
  /** The solution u (3 dof per node). */
  readonly x: Float64Array;
  /** PCG iterations (for mixed-precision backends: inner iterations summed). */
  readonly iterations: number;
  /** True relative residual |f - K u| / |f|, recomputed in float64. */
  readonly relativeResidual: number;
  /** Backend name, e.g. 'js', 'wasm', 'gpu (llvmpipe ...)'. */
  readonly backend: string;
  /** Wall time of the solve in milliseconds. */
  readonly timeMs: number;
}

/** A PCG implementation. */
export interface LinearSolver {
  /** Short name for reports: 'js', 'wasm', 'gpu'. */
  readonly name: string;
  /** Solves K x = rhs; throws {@link SolverError} when it cannot certify the result. */
  solve(matrix: BlockSparseMatrix, rhs: Float64Array, options: SolveOptions): Promise<SolveResult>;
  /** Frees workers, GPU buffers and module memory. */
  dispose(): Promise<void>;
}

/** Why a solve failed. */
export type SolverFailure =
  'max-iterations' | 'stalled' | 'diverged' | 'not-a-number' | 'certificate';

/** A solve that did not produce a certified result. */
export class SolverError extends NumericalError {
  override readonly name = 'SolverError';
  readonly failure: SolverFailure;

  constructor(failure: SolverFailure, iteration: number, relativeResidual: number, note = '') {
    super(
      `PCG ${failure} at iteration ${iteration}, ` +
        `relative residual ${relativeResidual.toExponential(3)}` +
        (note ? `: ${note}` : ''),
      { iteration, relativeResidual, failure },
    );
    this.failure = failure;
  }
}

/** Default solve options of the design brief. */
export const defaultSolveOptions: SolveOptions = {
  relativeTolerance: 1e-8,
  maxIterations: 20000,
};
