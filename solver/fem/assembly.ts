/**
 * Assembly of the global stiffness (N/mm) of a linear-tetrahedron mesh into the block CSR
 * values of a pattern built once by {@link buildMeshSparsity}, and the internal nodal forces
 * K u computed element by element (used for reaction forces, independent of any boundary
 * elimination applied to the assembled matrix).
 */
import type { BlockSparseMatrix } from '../blockSparse.js';
import type { TetMesh } from '../../meshing/tetMesh.js';
import type { MeshSparsity } from './sparsity.js';
import { elementStiffness, shapeGradients } from './tetElement.js';

/** Per-element isotropic material: Young's modulus in MPa and Poisson's ratio. */
export interface ElementMaterials {
  readonly youngsModulusMpa: Float64Array;
  readonly poissonRatio: Float64Array;
}

/**
 * Assembles the stiffness matrix of `mesh` with `materials`. Writes into `values` when given
 * (length 9 * blocks, overwritten) so that a pattern's storage can be refilled; otherwise
 * allocates it. Throws InvertedElementError on a non-positive element volume.
 */
export function assembleStiffness(
  mesh: TetMesh,
  sparsity: MeshSparsity,
  materials: ElementMaterials,
  values?: Float64Array,
): BlockSparseMatrix {
  const { pattern, elementBlocks } = sparsity;
  const blockCount = pattern.colIndices.length;
  const out = values ?? new Float64Array(9 * blockCount);
  if (out.length !== 9 * blockCount) throw new Error('values length does not match the pattern');
  out.fill(0);

  forEachElementStiffness(mesh, materials, (e, ke) => {
    for (let a = 0; a < 4; a++) {
      for (let b = 0; b < 4; b++) {
        const v = 9 * elementBlocks[16 * e + 4 * a + b];
        const k = 36 * a + 3 * b;
        out[v] += ke[k];
        out[v + 1] += ke[k + 1];
        out[v + 2] += ke[k + 2];
        out[v + 3] += ke[k + 12];
        out[v + 4] += ke[k + 13];
        out[v + 5] += ke[k + 14];
        out[v + 6] += ke[k + 24];
        out[v + 7] += ke[k + 25];
        out[v + 8] += ke[k + 26];
      }
    }
  });

  return { pattern, values: out };
}

/**
 * Internal nodal forces f = K u in N (3 per node) for displacements `u` in mm, summed element
 * by element from the unconstrained element stiffnesses. At a node with prescribed
 * displacement and no applied load this is the reaction force.
 */
export function internalForces(
  mesh: TetMesh,
  materials: ElementMaterials,
  u: Float64Array,
): Float64Array {
  const forces = new Float64Array(mesh.nodes.length);
  const ue = new Float64Array(12);

  forEachElementStiffness(mesh, materials, (e, ke) => {
    for (let a = 0; a < 4; a++) {
      const d = 3 * mesh.tets[4 * e + a];
      ue[3 * a] = u[d];
      ue[3 * a + 1] = u[d + 1];
      ue[3 * a + 2] = u[d + 2];
    }
    for (let a = 0; a < 4; a++) {
      const d = 3 * mesh.tets[4 * e + a];
      for (let c = 0; c < 3; c++) {
        const row = 12 * (3 * a + c);
        let sum = 0;
        for (let j = 0; j < 12; j++) sum += ke[row + j] * ue[j];
        forces[d + c] += sum;
      }
    }
  });
  return forces;
}

/** Calls `visit` with each element's 12x12 stiffness (N/mm, reused buffer) in element order. */
function forEachElementStiffness(
  mesh: TetMesh,
  materials: ElementMaterials,
  visit: (element: number, ke: Float64Array) => void,
): void {
  const gradients = new Float64Array(12);
  const ke = new Float64Array(144);
  const tetCount = mesh.tets.length / 4;
  for (let e = 0; e < tetCount; e++) {
    const volume = shapeGradients(gradients, mesh.nodes, mesh.tets, e);
    const modulus = materials.youngsModulusMpa[e];
    elementStiffness(ke, gradients, volume, modulus, materials.poissonRatio[e]);
    visit(e, ke);
  }
}
