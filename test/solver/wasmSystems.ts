/**
 * Test systems for the WebAssembly backend: a compressed elastic box (structured Kuhn tet mesh,
 * jittered nodes, heterogeneous modulus) assembled and constrained by the FE core, giving a
 * plain SPD block system K u = f like the vertebra's.
 */
import type { BlockSparseMatrix } from '../../solver/blockSparse.js';
import { assembleStiffness } from '../../solver/fem/assembly.js';
import { compressionConditions, eliminateDirichlet } from '../../solver/fem/boundaryConditions.js';
import { buildMeshSparsity } from '../../solver/fem/sparsity.js';
import { boxMesh, nodesWhere, seededRandom } from './boxMesh.js';

/** An SPD block system. */
export interface TestSystem {
  readonly matrix: BlockSparseMatrix;
  readonly rhs: Float64Array;
}

/**
 * A box of n x n x n cubes (2 mm each) fixed at z = 0 and pressed 0.02 mm at the top, with
 * Young's modulus drawn log-uniformly over `contrast` (e.g. 100: 50..5000 MPa), nu = 0.3.
 */
export function compressedBox(n: number, contrast = 100, seed = 7): TestSystem {
  const size = 2 * n;
  const mesh = boxMesh([n, n, n], [size, size, size], 0.15, seed);
  const elements = mesh.tets.length / 4;
  const random = seededRandom(seed + 1);
  const youngsModulusMpa = Float64Array.from({ length: elements }, () => {
    return 50 * Math.pow(contrast, random());
  });
  const poissonRatio = new Float64Array(elements).fill(0.3);

  const sparsity = buildMeshSparsity(mesh);
  const matrix = assembleStiffness(mesh, sparsity, { youngsModulusMpa, poissonRatio });
  const bottom = nodesWhere(mesh, 2, 0);
  const top = nodesWhere(mesh, 2, size);
  const conditions = compressionConditions(bottom, top, [0, 0, 1], 0.02);
  const rhs = eliminateDirichlet(matrix, conditions);
  return { matrix, rhs };
}

/** |a - b| / |b| in the Euclidean norm. */
export function relativeDifference(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let k = 0; k < a.length; k++) {
    num += (a[k] - b[k]) ** 2;
    den += b[k] ** 2;
  }
  return Math.sqrt(num / den);
}
