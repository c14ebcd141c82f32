import { describe, expect, it } from 'vitest';
import { assembleStiffness, internalForces } from '../../solver/fem/assembly.js';
import {
  eliminateDirichlet,
  type DirichletConditions,
} from '../../solver/fem/boundaryConditions.js';
import { buildMeshSparsity } from '../../solver/fem/sparsity.js';
import {
  elementStiffness,
  InvertedElementError,
  shapeGradients,
} from '../../solver/fem/tetElement.js';
import { solvePcg } from '../../solver/jsSolver.js';
import { computeElementStrains } from '../../solver/post/elementStrains.js';
import type { TetMesh } from '../../meshing/tetMesh.js';
import { boxMesh, centroid, nodesWhere } from './boxMesh.js';

const tight = { relativeTolerance: 1e-13, maxIterations: 20000 };

/** Assembles, constrains and solves; returns displacements and internal forces K u. */
function solveWith(mesh: TetMesh, e: Float64Array, nu: Float64Array, bc: DirichletConditions) {
  const materials = { youngsModulusMpa: e, poissonRatio: nu };
  const sparsity = buildMeshSparsity(mesh);
  const matrix = assembleStiffness(mesh, sparsity, materials);
  const rhs = eliminateDirichlet(matrix, bc);
  const { x } = solvePcg(matrix, rhs, tight);
  return { u: x, forces: internalForces(mesh, materials, x) };
}

/** Dirichlet conditions from a list of [dof, value] pairs. */
function conditions(pairs: Array<[number, number]>): DirichletConditions {
  return {
    dofs: Uint32Array.from(pairs.map((p) => p[0])),
    valuesMm: Float64Array.from(pairs.map((p) => p[1])),
  };
}

function sumForces(forces: Float64Array, nodes: Uint32Array, component: number): number {
  let sum = 0;
  for (const n of nodes) sum += forces[3 * n + component];
  return sum;
}

describe('linear tetrahedron', () => {
  const nodes = Float64Array.from([0.1, 0.2, 0.0, 2.0, 0.1, 0.3, 0.4, 1.7, 0.2, 0.5, 0.6, 1.9]);
  const tets = Uint32Array.from([0, 1, 2, 3]);

  it('matches V B^T D B built from the textbook B and D matrices', () => {
    const g = new Float64Array(12);
    const volume = shapeGradients(g, nodes, tets, 0);
    const [E, nu] = [1200, 0.3];
    const ke = elementStiffness(new Float64Array(144), g, volume, E, nu);

    // Shape gradients by solving the 4x4 system [1 x y z] c = I (independent route).
    const A = [0, 1, 2, 3].map((n) => [1, nodes[3 * n], nodes[3 * n + 1], nodes[3 * n + 2]]);
    const inv = invert4(A);
    const grad = [0, 1, 2, 3].map((n) => [inv[1][n], inv[2][n], inv[3][n]]);
    const det = determinant3(
      [1, 2, 3].map((n) => [0, 1, 2].map((d) => nodes[3 * n + d] - nodes[d])),
    );
    expect(volume).toBeCloseTo(det / 6, 12);

    // Engineering-strain B (6 x 12) and isotropic D (6 x 6).
    const B = Array.from({ length: 6 }, () => new Array(12).fill(0));
    for (let a = 0; a < 4; a++) {
      const [gx, gy, gz] = grad[a];
      B[0][3 * a] = gx;
      B[1][3 * a + 1] = gy;
      B[2][3 * a + 2] = gz;
      B[3][3 * a] = gy;
      B[3][3 * a + 1] = gx;
      B[4][3 * a + 1] = gz;
      B[4][3 * a + 2] = gy;
      B[5][3 * a] = gz;
      B[5][3 * a + 2] = gx;
    }
    const c = E / ((1 + nu) * (1 - 2 * nu));
    const D = Array.from({ length: 6 }, (_, i) =>
      Array.from({ length: 6 }, (_, j) => {
        if (i < 3 && j < 3) return i === j ? c * (1 - nu) : c * nu;
        return i === j ? (c * (1 - 2 * nu)) / 2 : 0;
      }),
    );
    for (let i = 0; i < 12; i++) {
      for (let j = 0; j < 12; j++) {
        let sum = 0;
        for (let p = 0; p < 6; p++) for (let q = 0; q < 6; q++) sum += B[p][i] * D[p][q] * B[q][j];
        expect(ke[12 * i + j]).toBeCloseTo(volume * sum, 8);
      }
    }
  });

  it('throws InvertedElementError on a negatively oriented element', () => {
    const flipped = Uint32Array.from([0, 2, 1, 3]);
    expect(() => shapeGradients(new Float64Array(12), nodes, flipped, 0)).toThrow(
      InvertedElementError,
    );
  });
});

describe('sparsity and assembly', () => {
  it('assembles the same matrix as a dense element-by-element sum', () => {
    const mesh = boxMesh([2, 2, 1], [2, 2, 1], 0.2, 7);
    const tetCount = mesh.tets.length / 4;
    const E = Float64Array.from({ length: tetCount }, (_, e) => 100 + 10 * e);
    const nu = new Float64Array(tetCount).fill(0.25);
    const sparsity = buildMeshSparsity(mesh);
    const matrix = assembleStiffness(mesh, sparsity, { youngsModulusMpa: E, poissonRatio: nu });

    const n = mesh.nodes.length;
    const dense = new Float64Array(n * n);
    const g = new Float64Array(12);
    const ke = new Float64Array(144);
    for (let e = 0; e < tetCount; e++) {
      const v = shapeGradients(g, mesh.nodes, mesh.tets, e);
      elementStiffness(ke, g, v, E[e], nu[e]);
      for (let i = 0; i < 12; i++) {
        for (let j = 0; j < 12; j++) {
          const I = 3 * mesh.tets[4 * e + Math.floor(i / 3)] + (i % 3);
          const J = 3 * mesh.tets[4 * e + Math.floor(j / 3)] + (j % 3);
          dense[I * n + J] += ke[12 * i + j];
        }
      }
    }

    const { rowOffsets, colIndices, diagonalIndex } = sparsity.pattern;
    const fromBlocks = new Float64Array(n * n);
    for (let r = 0; r < n / 3; r++) {
      expect(colIndices[diagonalIndex[r]]).toBe(r);
      for (let b = rowOffsets[r]; b < rowOffsets[r + 1]; b++) {
        if (b > rowOffsets[r]) expect(colIndices[b]).toBeGreaterThan(colIndices[b - 1]);
        for (let a = 0; a < 3; a++) {
          for (let c = 0; c < 3; c++) {
            fromBlocks[(3 * r + a) * n + 3 * colIndices[b] + c] = matrix.values[9 * b + 3 * a + c];
          }
        }
      }
    }
    for (let k = 0; k < n * n; k++) expect(fromBlocks[k]).toBeCloseTo(dense[k], 9);
  });
});

describe('patch test', () => {
  it('reproduces a uniform strain field inside an irregular mesh to 1e-10', () => {
    const mesh = boxMesh([4, 3, 3], [4, 3, 3], 0.22, 3);
    const tetCount = mesh.tets.length / 4;
    const E = new Float64Array(tetCount).fill(640);
    const nu = new Float64Array(tetCount).fill(0.3);
    const H = [
      [1e-3, 2e-4, -3e-4],
      [5e-4, -2e-3, 1e-4],
      [-1e-4, 3e-4, 1.5e-3],
    ];
    const exact = (n: number, c: number) =>
      H[c][0] * mesh.nodes[3 * n] +
      H[c][1] * mesh.nodes[3 * n + 1] +
      H[c][2] * mesh.nodes[3 * n + 2] +
      0.01 * c;

    const pairs: Array<[number, number]> = [];
    const interior: number[] = [];
    const [nx, ny, nz] = mesh.counts;
    for (let k = 0; k <= nz; k++) {
      for (let j = 0; j <= ny; j++) {
        for (let i = 0; i <= nx; i++) {
          const n = mesh.nodeAt(i, j, k);
          const boundary = i === 0 || j === 0 || k === 0 || i === nx || j === ny || k === nz;
          if (!boundary) interior.push(n);
          else for (let c = 0; c < 3; c++) pairs.push([3 * n + c, exact(n, c)]);
        }
      }
    }
    expect(interior.length).toBe(3 * 2 * 2);

    const { u, forces } = solveWith(mesh, E, nu, conditions(pairs));
    for (const n of interior) {
      for (let c = 0; c < 3; c++) {
        expect(Math.abs(u[3 * n + c] - exact(n, c))).toBeLessThan(1e-10);
        expect(Math.abs(forces[3 * n + c])).toBeLessThan(1e-8);
      }
    }
    const { strain } = computeElementStrains(mesh, u);
    for (let e = 0; e < tetCount; e++) {
      expect(strain[6 * e]).toBeCloseTo(H[0][0], 10);
      expect(strain[6 * e + 3]).toBeCloseTo((H[0][1] + H[1][0]) / 2, 10);
      expect(strain[6 * e + 4]).toBeCloseTo((H[1][2] + H[2][1]) / 2, 10);
    }
  });
});

describe('closed-form stiffness', () => {
  const [L, W, D] = [6, 3, 2];
  const delta = 0.012;

  it('a homogeneous prism in uniaxial stress has stiffness E A / L', () => {
    // Bottom face: z = 0, top face: z = -delta; faces free to slide laterally. Rigid motions
    // are removed by fixing x, y of the origin node and x of the node at (0, W, 0).
    const mesh = boxMesh([3, 3, 6], [W, D, L], 0.2, 11);
    const tetCount = mesh.tets.length / 4;
    const E = new Float64Array(tetCount).fill(800);
    const nu = new Float64Array(tetCount).fill(0.3);
    const bottom = nodesWhere(mesh, 2, 0);
    const top = nodesWhere(mesh, 2, L);
    const pairs: Array<[number, number]> = [];
    for (const n of bottom) pairs.push([3 * n + 2, 0]);
    for (const n of top) pairs.push([3 * n + 2, -delta]);
    const origin = mesh.nodeAt(0, 0, 0);
    pairs.push([3 * origin, 0], [3 * origin + 1, 0], [3 * mesh.nodeAt(0, 3, 0), 0]);

    const { u, forces } = solveWith(mesh, E, nu, conditions(pairs));
    const F = sumForces(forces, top, 2);
    expect(-F / delta).toBeCloseTo((800 * W * D) / L, 6);
    // Lateral contraction nu * strain: the far corner moves out by nu * delta / L * W.
    const corner = mesh.nodeAt(3, 3, 6);
    expect(u[3 * corner]).toBeCloseTo((0.3 * delta * W) / L, 10);
  });

  it('two layers in series under uniaxial strain: k = A / sum(L_i / M_i)', () => {
    // Every lateral displacement is zero, so each layer is in uniaxial strain with the
    // constrained modulus M = E (1 - nu) / ((1 + nu)(1 - 2 nu)).
    const mesh = boxMesh([2, 2, 6], [W, D, L]);
    const tetCount = mesh.tets.length / 4;
    const lower = 2; // the interface plane z = 2 is a lattice plane (6 cells over 6 mm)
    const E = Float64Array.from({ length: tetCount }, (_, e) =>
      centroid(mesh, e, 2) < lower ? 200 : 1500,
    );
    const nu = new Float64Array(tetCount).fill(0.3);
    const pairs: Array<[number, number]> = [];
    for (let n = 0; n < mesh.nodes.length / 3; n++) pairs.push([3 * n, 0], [3 * n + 1, 0]);
    const bottom = nodesWhere(mesh, 2, 0);
    const top = nodesWhere(mesh, 2, L);
    for (const n of bottom) pairs.push([3 * n + 2, 0]);
    for (const n of top) pairs.push([3 * n + 2, -delta]);

    const { forces } = solveWith(mesh, E, nu, conditions(pairs));
    const M = (e: number) => (e * 0.7) / (1.3 * 0.4);
    const expected = (W * D) / (lower / M(200) + (L - lower) / M(1500));
    expect(-sumForces(forces, top, 2) / delta).toBeCloseTo(expected, 6);
  });

  it('a core inside a shell in parallel (nu = 0): k = sum(E_i A_i) / L', () => {
    // With nu = 0 and lateral freedom every element carries the same axial strain.
    const mesh = boxMesh([4, 4, 3], [4, 4, L], 0, 1);
    const tetCount = mesh.tets.length / 4;
    const inCore = (e: number) => {
      const [x, y] = [centroid(mesh, e, 0), centroid(mesh, e, 1)];
      return x > 1 && x < 3 && y > 1 && y < 3;
    };
    const E = Float64Array.from({ length: tetCount }, (_, e) => (inCore(e) ? 100 : 2500));
    const nu = new Float64Array(tetCount);
    const bottom = nodesWhere(mesh, 2, 0);
    const top = nodesWhere(mesh, 2, L);
    const pairs: Array<[number, number]> = [];
    for (const n of bottom) pairs.push([3 * n + 2, 0]);
    for (const n of top) pairs.push([3 * n + 2, -delta]);
    const origin = mesh.nodeAt(0, 0, 0);
    pairs.push([3 * origin, 0], [3 * origin + 1, 0], [3 * mesh.nodeAt(0, 4, 0), 0]);

    const { forces } = solveWith(mesh, E, nu, conditions(pairs));
    const expected = (100 * 4 + 2500 * 12) / L;
    expect(-sumForces(forces, top, 2) / delta).toBeCloseTo(expected, 6);
  });
});

function determinant3(m: number[][]): number {
  return (
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
  );
}

/** Gauss-Jordan inverse of a small dense matrix. */
function invert4(a: number[][]): number[][] {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    const p = m[col][col];
    for (let c = 0; c < 2 * n; c++) m[col][c] /= p;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r][col];
      for (let c = 0; c < 2 * n; c++) m[r][c] -= f * m[col][c];
    }
  }
  return m.map((row) => row.slice(n));
}
