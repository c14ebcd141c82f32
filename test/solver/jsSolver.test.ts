import { describe, expect, it } from 'vitest';
import type { BlockSparseMatrix } from '../../solver/blockSparse.js';
import { createJsSolver, solvePcg } from '../../solver/jsSolver.js';
import { SolverError } from '../../solver/linearSolver.js';
import { seededRandom } from './boxMesh.js';

/** A dense SPD matrix of n nodes (3n equations) stored as a full block matrix. */
function denseBlockMatrix(dense: number[][]): BlockSparseMatrix {
  const nodes = dense.length / 3;
  const rowOffsets = Uint32Array.from({ length: nodes + 1 }, (_, r) => r * nodes);
  const colIndices = Uint32Array.from({ length: nodes * nodes }, (_, k) => k % nodes);
  const diagonalIndex = Uint32Array.from({ length: nodes }, (_, r) => r * nodes + r);
  const values = new Float64Array(9 * nodes * nodes);
  for (let r = 0; r < nodes; r++) {
    for (let c = 0; c < nodes; c++) {
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++)
          values[9 * (r * nodes + c) + 3 * a + b] = dense[3 * r + a][3 * c + b];
      }
    }
  }
  return { pattern: { blockRowCount: nodes, rowOffsets, colIndices, diagonalIndex }, values };
}

/** Gaussian elimination with partial pivoting (the independent reference solve). */
function gaussSolve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = col + 1; r < n; r++) {
      const f = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let c = r + 1; c < n; c++) s -= m[r][c] * x[c];
    x[r] = s / m[r][r];
  }
  return x;
}

/** A random SPD matrix G G^T + shift I with condition number set by the spread of G. */
function randomSpd(n: number, seed: number, shift: number): number[][] {
  const random = seededRandom(seed);
  const g = Array.from({ length: n }, () => Array.from({ length: n }, () => random() - 0.5));
  return g.map((row, i) =>
    g.map((other, j) => row.reduce((s, v, k) => s + v * other[k], 0) + (i === j ? shift : 0)),
  );
}

describe('TypeScript PCG', () => {
  it('solves an SPD system to the certified tolerance, matching Gaussian elimination', async () => {
    const dense = randomSpd(24, 3, 0.05);
    const random = seededRandom(9);
    const b = Array.from({ length: 24 }, () => random() - 0.5);
    const solver = createJsSolver();
    const result = await solver.solve(denseBlockMatrix(dense), Float64Array.from(b), {
      relativeTolerance: 1e-10,
      maxIterations: 1000,
    });
    const reference = gaussSolve(dense, b);

    expect(result.backend).toBe('js');
    expect(result.relativeResidual).toBeLessThanOrEqual(1e-10);
    const residual = dense.map((row, i) => row.reduce((s, v, j) => s + v * result.x[j], 0) - b[i]);
    const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));
    expect(norm(residual) / norm(b)).toBeCloseTo(result.relativeResidual, 12);
    for (let k = 0; k < 24; k++) expect(result.x[k]).toBeCloseTo(reference[k], 7);
    await solver.dispose();
  });

  it('returns zero for a zero right-hand side', () => {
    const result = solvePcg(denseBlockMatrix(randomSpd(6, 1, 1)), new Float64Array(6), {
      relativeTolerance: 1e-8,
      maxIterations: 10,
    });
    expect(result.iterations).toBe(0);
    expect(Array.from(result.x)).toEqual(new Array(6).fill(0));
  });

  it('refuses an indefinite matrix with a "diverged" SolverError', () => {
    const dense = randomSpd(12, 5, 0.1);
    for (let k = 0; k < 12; k++) dense[k][k] -= k < 6 ? 0 : 50;
    // Keep the 3x3 diagonal blocks invertible but the whole matrix indefinite.
    const b = Array.from({ length: 12 }, (_, k) => (k % 2 ? 1 : -1));
    const run = () =>
      solvePcg(denseBlockMatrix(dense), Float64Array.from(b), {
        relativeTolerance: 1e-10,
        maxIterations: 500,
      });
    expect(run).toThrow(SolverError);
    try {
      run();
    } catch (error) {
      expect((error as SolverError).failure).toMatch(/diverged|stalled/);
    }
  });

  it('reports max-iterations with the iteration and residual', () => {
    const dense = randomSpd(30, 8, 1e-4);
    const b = Float64Array.from({ length: 30 }, (_, k) => Math.sin(k));
    try {
      solvePcg(denseBlockMatrix(dense), b, { relativeTolerance: 1e-14, maxIterations: 3 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SolverError);
      const e = error as SolverError;
      expect(e.failure).toBe('max-iterations');
      expect(e.details.iteration).toBe(3);
      expect(Number(e.details.relativeResidual)).toBeGreaterThan(1e-14);
    }
  });

  it('reports not-a-number when the matrix holds NaN', () => {
    const dense = randomSpd(6, 2, 1);
    dense[0][4] = dense[4][0] = NaN;
    const b = Float64Array.from({ length: 6 }, () => 1);
    expect(() =>
      solvePcg(denseBlockMatrix(dense), b, { relativeTolerance: 1e-8, maxIterations: 50 }),
    ).toThrow(/not-a-number/);
  });
});
