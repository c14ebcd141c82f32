/**
 * Shared checks of the backend agreement tests: the true residual recomputed with the test's
 * own block product, relative differences, and the reaction force of a solution.
 */
import { expect } from 'vitest';
import type { BlockSparseMatrix } from '../../solver/blockSparse.js';
import { internalForces, type ElementMaterials } from '../../solver/fem/assembly.js';
import type { SolveResult } from '../../solver/linearSolver.js';
import { axialReaction } from '../../solver/solveModel.js';
import type { TetMesh } from '../../meshing/tetMesh.js';
import { norm2, referenceProduct } from './gpuFixtures.js';

/** |f - K x| / |f| recomputed here in float64, independently of every backend. */
export function trueResidual(matrix: BlockSparseMatrix, rhs: Float64Array, x: Float64Array) {
  const kx = referenceProduct(matrix, x);
  return norm2(kx.map((v, i) => rhs[i] - v)) / norm2(rhs);
}

/** |a - b| / |b| in the Euclidean norm. */
export function relativeDifference(a: Float64Array, b: Float64Array): number {
  return norm2(a.map((v, i) => v - b[i])) / norm2(b);
}

/** Reaction force (N) of `nodes` along `axis` for displacements `x` (mm). */
export function reactionForce(
  mesh: TetMesh,
  materials: ElementMaterials,
  x: Float64Array,
  nodes: Uint32Array,
  axis: readonly [number, number, number],
): number {
  return axialReaction(internalForces(mesh, materials, x), nodes, axis);
}

/**
 * Asserts the certificate of `result`: the reported residual and the one recomputed here are
 * both at most `tolerance`, and they agree (the backend reports what it achieved).
 */
export function expectCertified(
  result: Pick<SolveResult, 'x' | 'relativeResidual'>,
  matrix: BlockSparseMatrix,
  rhs: Float64Array,
  tolerance: number,
): void {
  const recomputed = trueResidual(matrix, rhs, result.x);
  expect(result.relativeResidual).toBeLessThanOrEqual(tolerance);
  expect(recomputed).toBeLessThanOrEqual(tolerance);
  expect(Math.abs(recomputed - result.relativeResidual)).toBeLessThan(1e-3 * tolerance);
}
