/**
 * Test systems for the GPU backend, built here independently of the solver code: linear
 * elasticity on a structured tetrahedral mesh of a box (each cube split into 6 tetrahedra along
 * its main diagonal), with a per-element Young's modulus drawn log-uniformly over a chosen
 * contrast, the bottom face fixed and a downward force on the top face; plus a plain float64
 * block-Jacobi PCG as the CPU reference.
 */
import type { BlockSparseMatrix } from '../../solver/blockSparse.js';

/** A linear system K u = f with its mesh sizes. */
export interface TestSystem {
  readonly matrix: BlockSparseMatrix;
  readonly rhs: Float64Array;
  readonly nodeCount: number;
}

/** A small deterministic generator (xorshift32) returning values in [0, 1). */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}

/** The 6 tetrahedra of a unit cube (corner bits: 1 = +x, 2 = +y, 4 = +z) along diagonal 0-7. */
const cubeTets = [
  [0, 1, 3, 7],
  [0, 1, 5, 7],
  [0, 2, 3, 7],
  [0, 2, 6, 7],
  [0, 4, 5, 7],
  [0, 4, 6, 7],
];

/** Shape-function gradients (4 x 3) and volume of a tetrahedron. */
function tetGradients(p: number[][]): { grads: number[][]; volume: number } {
  const e = [1, 2, 3].map((i) => [0, 1, 2].map((k) => p[i][k] - p[0][k]));
  const det =
    e[0][0] * (e[1][1] * e[2][2] - e[1][2] * e[2][1]) -
    e[0][1] * (e[1][0] * e[2][2] - e[1][2] * e[2][0]) +
    e[0][2] * (e[1][0] * e[2][1] - e[1][1] * e[2][0]);
  // Columns of inverse(e) are the gradients of N1, N2, N3 (rows of e are edge vectors).
  const inv = [
    [
      (e[1][1] * e[2][2] - e[1][2] * e[2][1]) / det,
      (e[0][2] * e[2][1] - e[0][1] * e[2][2]) / det,
      (e[0][1] * e[1][2] - e[0][2] * e[1][1]) / det,
    ],
    [
      (e[1][2] * e[2][0] - e[1][0] * e[2][2]) / det,
      (e[0][0] * e[2][2] - e[0][2] * e[2][0]) / det,
      (e[0][2] * e[1][0] - e[0][0] * e[1][2]) / det,
    ],
    [
      (e[1][0] * e[2][1] - e[1][1] * e[2][0]) / det,
      (e[0][1] * e[2][0] - e[0][0] * e[2][1]) / det,
      (e[0][0] * e[1][1] - e[0][1] * e[1][0]) / det,
    ],
  ];
  const g = [0, 1, 2].map((i) => [inv[0][i], inv[1][i], inv[2][i]]);
  const g0 = [0, 1, 2].map((k) => -(g[0][k] + g[1][k] + g[2][k]));
  return { grads: [g0, ...g], volume: Math.abs(det) / 6 };
}

/**
 * Elasticity on an nx x ny x nz box of 1 mm cubes: modulus log-uniform in [1, contrast] MPa per
 * element (seeded), Poisson 0.3, nodes at z = 0 fixed (identity rows), 1 N downward on every
 * top node.
 */
export function elasticityBox(
  nx: number,
  ny: number,
  nz: number,
  contrast: number,
  seed = 7,
): TestSystem {
  const node = (i: number, j: number, k: number) => i + (nx + 1) * (j + (ny + 1) * k);
  const nodeCount = (nx + 1) * (ny + 1) * (nz + 1);
  const draw = random(seed);
  const blocks: Map<number, Float64Array>[] = [];
  for (let n = 0; n < nodeCount; n++) blocks.push(new Map());

  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const corners = [0, 1, 2, 3, 4, 5, 6, 7].map((c) =>
          node(i + (c & 1), j + ((c >> 1) & 1), k + ((c >> 2) & 1)),
        );
        const youngs = Math.exp(Math.log(contrast) * draw());
        const nu = 0.3;
        const lambda = (youngs * nu) / ((1 + nu) * (1 - 2 * nu));
        const mu = youngs / (2 * (1 + nu));
        for (const tet of cubeTets) {
          const ids = tet.map((c) => corners[c]);
          const pts = tet.map((c) => [i + (c & 1), j + ((c >> 1) & 1), k + ((c >> 2) & 1)]);
          const { grads, volume } = tetGradients(pts);
          for (let a = 0; a < 4; a++) {
            for (let b = 0; b < 4; b++) {
              let block = blocks[ids[a]].get(ids[b]);
              if (!block) blocks[ids[a]].set(ids[b], (block = new Float64Array(9)));
              const ga = grads[a];
              const gb = grads[b];
              const gg = ga[0] * gb[0] + ga[1] * gb[1] + ga[2] * gb[2];
              for (let r = 0; r < 3; r++) {
                for (let c = 0; c < 3; c++) {
                  const iso = r === c ? mu * gg : 0;
                  block[3 * r + c] += volume * (lambda * ga[r] * gb[c] + mu * ga[c] * gb[r] + iso);
                }
              }
            }
          }
        }
      }
    }
  }

  const fixed = (n: number) => n < (nx + 1) * (ny + 1);
  const rhs = new Float64Array(3 * nodeCount);
  for (let n = nodeCount - (nx + 1) * (ny + 1); n < nodeCount; n++) rhs[3 * n + 2] = -1;

  const rowOffsets = new Uint32Array(nodeCount + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  const diagonalIndex = new Uint32Array(nodeCount);
  for (let n = 0; n < nodeCount; n++) {
    const entries = [...blocks[n].entries()].sort((a, b) => a[0] - b[0]);
    for (const [col, block] of entries) {
      if (col === n) diagonalIndex[n] = cols.length;
      cols.push(col);
      if (fixed(n) || fixed(col)) {
        vals.push(...(col === n ? [1, 0, 0, 0, 1, 0, 0, 0, 1] : new Array(9).fill(0)));
      } else {
        vals.push(...block);
      }
    }
    rowOffsets[n + 1] = cols.length;
  }
  const matrix: BlockSparseMatrix = {
    pattern: {
      blockRowCount: nodeCount,
      rowOffsets,
      colIndices: Uint32Array.from(cols),
      diagonalIndex,
    },
    values: Float64Array.from(vals),
  };
  return { matrix, rhs, nodeCount };
}

/** y = K x in float64, row by row from the block CSR arrays. */
export function referenceProduct(matrix: BlockSparseMatrix, x: Float64Array): Float64Array {
  const { rowOffsets, colIndices, blockRowCount } = matrix.pattern;
  const y = new Float64Array(x.length);
  for (let row = 0; row < blockRowCount; row++) {
    for (let b = rowOffsets[row]; b < rowOffsets[row + 1]; b++) {
      for (let r = 0; r < 3; r++) {
        for (let c = 0; c < 3; c++) {
          y[3 * row + r] += matrix.values[9 * b + 3 * r + c] * x[3 * colIndices[b] + c];
        }
      }
    }
  }
  return y;
}

/** Euclidean norm in float64. */
export function norm2(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** A float64 PCG with point-Jacobi preconditioning to relative residual `tolerance`. */
export function referenceSolve(system: TestSystem, tolerance: number): Float64Array {
  const { matrix, rhs } = system;
  const n = rhs.length;
  const diag = new Float64Array(n);
  for (let node = 0; node < system.nodeCount; node++) {
    const b = matrix.pattern.diagonalIndex[node];
    for (let r = 0; r < 3; r++) diag[3 * node + r] = matrix.values[9 * b + 4 * r];
  }
  const x = new Float64Array(n);
  const r = Float64Array.from(rhs);
  const z = r.map((v, i) => v / diag[i]);
  const p = Float64Array.from(z);
  let rz = r.reduce((s, v, i) => s + v * z[i], 0);
  const stop = tolerance * norm2(rhs);
  for (let it = 0; it < 100000 && norm2(r) > stop; it++) {
    const q = referenceProduct(matrix, p);
    const alpha = rz / p.reduce((s, v, i) => s + v * q[i], 0);
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * q[i];
      z[i] = r[i] / diag[i];
    }
    const rzNext = r.reduce((s, v, i) => s + v * z[i], 0);
    for (let i = 0; i < n; i++) p[i] = z[i] + (rzNext / rz) * p[i];
    rz = rzNext;
  }
  return x;
}
