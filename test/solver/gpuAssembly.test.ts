/**
 * The WebGPU backend on the project's own assembly: an irregular tetrahedral box (jittered Kuhn
 * cubes) with bone-like modulus contrast and cement caps, loaded by the axial compression case
 * (bottom face fixed, top face displaced), against the float64 TypeScript PCG.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleStiffness } from '../../solver/fem/assembly.js';
import { compressionConditions, eliminateDirichlet } from '../../solver/fem/boundaryConditions.js';
import { buildMeshSparsity } from '../../solver/fem/sparsity.js';
import { createGpuSolver, type GpuSolver } from '../../solver/gpu/gpuSolver.js';
import { solvePcg } from '../../solver/jsSolver.js';
import { boxMesh, centroid, nodesWhere, seededRandom } from './boxMesh.js';
import { norm2, referenceProduct } from './gpuFixtures.js';

let solver: GpuSolver;
beforeAll(async () => {
  solver = await createGpuSolver();
});
afterAll(async () => {
  await solver.dispose();
});

describe('GPU PCG on the assembled compression case', () => {
  it('matches the float64 TypeScript PCG with moduli from 5 to 5000 MPa', async () => {
    const heightMm = 14;
    const mesh = boxMesh([10, 10, 14], [10, 10, heightMm], 0.2, 5);
    const tetCount = mesh.tets.length / 4;
    const random = seededRandom(9);
    const youngsModulusMpa = new Float64Array(tetCount);
    for (let e = 0; e < tetCount; e++) {
      const z = centroid(mesh, e, 2);
      const cap = z < 1 || z > heightMm - 1;
      youngsModulusMpa[e] = cap ? 2500 : 5 * Math.pow(1000, random());
    }
    const materials = { youngsModulusMpa, poissonRatio: new Float64Array(tetCount).fill(0.3) };
    const matrix = assembleStiffness(mesh, buildMeshSparsity(mesh), materials);
    const fixed = nodesWhere(mesh, 2, 0);
    const loaded = nodesWhere(mesh, 2, heightMm);
    const rhs = eliminateDirichlet(
      matrix,
      compressionConditions(fixed, loaded, [0, 0, 1], 0.002 * heightMm),
    );
    expect(rhs.length).toBeGreaterThan(5000);
    const reference = solvePcg(matrix, rhs, { relativeTolerance: 1e-13, maxIterations: 20000 });

    const result = await solver.solve(matrix, rhs, {
      relativeTolerance: 1e-8,
      maxIterations: 20000,
    });

    const residual = referenceProduct(matrix, result.x).map((v, i) => rhs[i] - v);
    expect(norm2(residual) / norm2(rhs)).toBeLessThanOrEqual(1e-8);
    const difference = result.x.map((v, i) => v - reference.x[i]);
    expect(norm2(difference) / norm2(reference.x)).toBeLessThan(1e-6);
  });
});
