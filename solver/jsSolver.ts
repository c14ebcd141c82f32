/**
 * The TypeScript reference PCG backend: float64 throughout, block-Jacobi preconditioner (the
 * inverse of each 3x3 diagonal block), x0 = 0.
 *
 * Iteration stops when the recurrence residual |r| / |f| reaches the tolerance; the true
 * residual f - K x is then recomputed in float64. If it misses the tolerance (rounding drift),
 * the recurrence restarts from the true residual, up to {@link maxCertificateRestarts} times
 * and within the iteration limit; after that the result is refused with a 'certificate'
 * SolverError. Other failures: 'not-a-number', 'diverged' (p.Kp <= 0: not positive definite,
 * or residual growth above 1e6 times the initial), 'stalled' (no new best residual for
 * {@link stallWindow} iterations), 'max-iterations'.
 */
import { multiplyBlockSparse, type BlockSparseMatrix } from './blockSparse.js';
import {
  SolverError,
  type LinearSolver,
  type SolveOptions,
  type SolveResult,
} from './linearSolver.js';

/** How many times the recurrence may restart from the true residual before giving up. */
export const maxCertificateRestarts = 5;

/** Iterations without a new best residual (by 0.1 %) after which the solve counts as stalled. */
export const stallWindow = 5000;

/** Iterations between onProgress calls. */
const progressInterval = 50;

/**
 * Writes the inverse of each 3x3 diagonal block (9 values per node, row-major) of `matrix`.
 * Throws SolverError('not-a-number') when a block is singular.
 */
export function invertDiagonalBlocks(matrix: BlockSparseMatrix): Float64Array {
  const { blockRowCount, diagonalIndex } = matrix.pattern;
  const inverse = new Float64Array(9 * blockRowCount);
  const m = matrix.values;

  for (let n = 0; n < blockRowCount; n++) {
    const v = 9 * diagonalIndex[n];
    const [a, b, c, d, e, f, g, h, i] = [
      m[v],
      m[v + 1],
      m[v + 2],
      m[v + 3],
      m[v + 4],
      m[v + 5],
      m[v + 6],
      m[v + 7],
      m[v + 8],
    ];
    const c00 = e * i - f * h;
    const c01 = c * h - b * i;
    const c02 = b * f - c * e;
    const det = a * c00 + d * c01 + g * c02;
    if (!(Math.abs(det) > 0) || !Number.isFinite(det)) {
      throw new SolverError('not-a-number', 0, NaN, `diagonal block of node ${n} is singular`);
    }
    const s = 1 / det;
    const o = 9 * n;
    inverse[o] = c00 * s;
    inverse[o + 1] = c01 * s;
    inverse[o + 2] = c02 * s;
    inverse[o + 3] = (f * g - d * i) * s;
    inverse[o + 4] = (a * i - c * g) * s;
    inverse[o + 5] = (c * d - a * f) * s;
    inverse[o + 6] = (d * h - e * g) * s;
    inverse[o + 7] = (b * g - a * h) * s;
    inverse[o + 8] = (a * e - b * d) * s;
  }
  return inverse;
}

function applyBlockJacobi(out: Float64Array, inverse: Float64Array, r: Float64Array): void {
  const nodes = r.length / 3;
  for (let n = 0; n < nodes; n++) {
    const o = 9 * n;
    const r0 = r[3 * n];
    const r1 = r[3 * n + 1];
    const r2 = r[3 * n + 2];
    out[3 * n] = inverse[o] * r0 + inverse[o + 1] * r1 + inverse[o + 2] * r2;
    out[3 * n + 1] = inverse[o + 3] * r0 + inverse[o + 4] * r1 + inverse[o + 5] * r2;
    out[3 * n + 2] = inverse[o + 6] * r0 + inverse[o + 7] * r1 + inverse[o + 8] * r2;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += a[k] * b[k];
  return sum;
}

/** |f - K x| in float64, with the residual vector written to `r`. */
export function trueResidualNorm(
  r: Float64Array,
  matrix: BlockSparseMatrix,
  x: Float64Array,
  f: Float64Array,
): number {
  multiplyBlockSparse(r, matrix, x);
  for (let k = 0; k < r.length; k++) r[k] = f[k] - r[k];
  return Math.sqrt(dot(r, r));
}

/** Solves K x = f by block-Jacobi PCG in float64; see the module comment for failures. */
export function solvePcg(
  matrix: BlockSparseMatrix,
  f: Float64Array,
  options: SolveOptions,
): { x: Float64Array; iterations: number; relativeResidual: number } {
  const n = f.length;
  if (n !== 3 * matrix.pattern.blockRowCount) throw new Error('rhs length does not match matrix');
  const tolerance = options.relativeTolerance;
  const x = new Float64Array(n);
  const fNorm = Math.sqrt(dot(f, f));
  if (fNorm === 0) return { x, iterations: 0, relativeResidual: 0 };
  if (!Number.isFinite(fNorm)) throw new SolverError('not-a-number', 0, NaN, 'right-hand side');

  const inverse = invertDiagonalBlocks(matrix);
  const r = Float64Array.from(f);
  const z = new Float64Array(n);
  const p = new Float64Array(n);
  const q = new Float64Array(n);
  let iteration = 0;
  let restarts = 0;
  let best = 1;
  let bestAt = 0;

  for (;;) {
    // (Re)start the recurrence from the current residual r.
    applyBlockJacobi(z, inverse, r);
    p.set(z);
    let rz = dot(r, z);
    let relative = Math.sqrt(dot(r, r)) / fNorm;

    while (relative > tolerance) {
      if (iteration >= options.maxIterations) {
        throw new SolverError('max-iterations', iteration, relative);
      }
      multiplyBlockSparse(q, matrix, p);
      const pq = dot(p, q);
      if (Number.isNaN(pq)) throw new SolverError('not-a-number', iteration, relative);
      if (!(pq > 0)) {
        throw new SolverError(
          'diverged',
          iteration,
          relative,
          `p.Kp = ${pq}: not positive definite`,
        );
      }
      const alpha = rz / pq;
      let rr = 0;
      for (let k = 0; k < n; k++) {
        x[k] += alpha * p[k];
        r[k] -= alpha * q[k];
        rr += r[k] * r[k];
      }
      iteration++;
      relative = Math.sqrt(rr) / fNorm;

      if (Number.isNaN(relative)) throw new SolverError('not-a-number', iteration, relative);
      if (relative > 1e6) throw new SolverError('diverged', iteration, relative);
      if (relative < 0.999 * best) {
        best = relative;
        bestAt = iteration;
      } else if (iteration - bestAt > stallWindow) {
        throw new SolverError('stalled', iteration, relative, `best ${best.toExponential(3)}`);
      }
      if (options.onProgress && iteration % progressInterval === 0) {
        options.onProgress(iteration, relative);
      }

      applyBlockJacobi(z, inverse, r);
      const rzNext = dot(r, z);
      const beta = rzNext / rz;
      rz = rzNext;
      for (let k = 0; k < n; k++) p[k] = z[k] + beta * p[k];
    }

    // Certificate: the true residual in float64.
    const trueRelative = trueResidualNorm(r, matrix, x, f) / fNorm;
    if (trueRelative <= tolerance)
      return { x, iterations: iteration, relativeResidual: trueRelative };
    if (Number.isNaN(trueRelative)) throw new SolverError('not-a-number', iteration, trueRelative);
    if (restarts >= maxCertificateRestarts || iteration >= options.maxIterations) {
      throw new SolverError('certificate', iteration, trueRelative, `tolerance ${tolerance}`);
    }
    restarts++;
  }
}

/** Creates the TypeScript reference backend ('js'). */
export function createJsSolver(): LinearSolver {
  return {
    name: 'js',
    solve(
      matrix: BlockSparseMatrix,
      rhs: Float64Array,
      options: SolveOptions,
    ): Promise<SolveResult> {
      const start = performance.now();
      const { x, iterations, relativeResidual } = solvePcg(matrix, rhs, options);
      const timeMs = performance.now() - start;
      return Promise.resolve({ x, iterations, relativeResidual, backend: 'js', timeMs });
    },
    dispose(): Promise<void> {
      return Promise.resolve();
    },
  };
}
