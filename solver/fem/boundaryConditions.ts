/**
 * Prescribed displacements (Dirichlet conditions) and their symmetric elimination from an
 * assembled system, so that every backend solves a plain symmetric positive definite K u = f.
 *
 * Elimination, for each constrained dof c with value u_c: f -= K[:, c] u_c; row and column c
 * are zeroed except the diagonal, which keeps its original value K_cc (so block-Jacobi sees the
 * same scale); f_c = K_cc u_c. The solution then holds u_c exactly at constrained dofs.
 * Reaction forces must come from the unconstrained operator (see internalForces).
 */
import { UserError } from '../../core/errors.js';
import type { BlockSparseMatrix } from '../blockSparse.js';

/** Prescribed displacement components: dof index (3 * node + component) and value in mm. */
export interface DirichletConditions {
  /** Constrained degrees of freedom, 3 * node + component (0 x, 1 y, 2 z); no repeats. */
  readonly dofs: Uint32Array;
  /** Prescribed displacement of each constrained dof in mm. */
  readonly valuesMm: Float64Array;
}

/**
 * The compression load case: every dof of `fixedNodes` held at zero, and `loadedNodes` moved
 * by the vector -displacementMm * axis (all three components prescribed: the loaded face is
 * bonded to a rigid platen). A node in both lists is a user-visible model error.
 */
export function compressionConditions(
  fixedNodes: Uint32Array,
  loadedNodes: Uint32Array,
  axis: readonly [number, number, number],
  displacementMm: number,
): DirichletConditions {
  const fixed = new Set(fixedNodes);
  for (const n of loadedNodes) {
    if (fixed.has(n)) throw new UserError(`model: node ${n} is both fixed and loaded`);
  }

  const count = 3 * (fixedNodes.length + loadedNodes.length);
  const dofs = new Uint32Array(count);
  const valuesMm = new Float64Array(count);
  let k = 0;
  for (const n of fixedNodes) {
    for (let c = 0; c < 3; c++) dofs[k++] = 3 * n + c;
  }
  for (const n of loadedNodes) {
    for (let c = 0; c < 3; c++) {
      dofs[k] = 3 * n + c;
      valuesMm[k++] = -displacementMm * axis[c];
    }
  }
  return { dofs, valuesMm };
}

/**
 * Applies `conditions` to `matrix` IN PLACE (its values change) and returns the right-hand
 * side f (N) of the reduced SPD system, starting from external nodal forces `loads`
 * (zero when omitted). Throws when a constrained dof has a non-positive diagonal.
 */
export function eliminateDirichlet(
  matrix: BlockSparseMatrix,
  conditions: DirichletConditions,
  loads?: Float64Array,
): Float64Array {
  const { rowOffsets, colIndices, blockRowCount } = matrix.pattern;
  const values = matrix.values;
  const dofCount = 3 * blockRowCount;
  const rhs = loads ? Float64Array.from(loads) : new Float64Array(dofCount);

  // Mark constrained dofs and their values.
  const constrained = new Uint8Array(dofCount);
  const prescribed = new Float64Array(dofCount);
  for (let k = 0; k < conditions.dofs.length; k++) {
    const dof = conditions.dofs[k];
    if (dof >= dofCount) throw new Error(`constrained dof ${dof} outside the system`);
    constrained[dof] = 1;
    prescribed[dof] = conditions.valuesMm[k];
  }

  // Move known columns to the right-hand side, then zero constrained rows and columns.
  for (let row = 0; row < blockRowCount; row++) {
    for (let b = rowOffsets[row]; b < rowOffsets[row + 1]; b++) {
      const col = colIndices[b];
      for (let a = 0; a < 3; a++) {
        const i = 3 * row + a;
        for (let c = 0; c < 3; c++) {
          const j = 3 * col + c;
          if (!constrained[i] && !constrained[j]) continue;
          const v = 9 * b + 3 * a + c;
          if (i === j) continue;
          if (!constrained[i]) rhs[i] -= values[v] * prescribed[j];
          values[v] = 0;
        }
      }
    }
  }

  // Constrained rows: K_cc u_c on the right, the diagonal kept.
  const { diagonalIndex } = matrix.pattern;
  for (let k = 0; k < conditions.dofs.length; k++) {
    const dof = conditions.dofs[k];
    const node = Math.floor(dof / 3);
    const c = dof % 3;
    const diagonal = values[9 * diagonalIndex[node] + 4 * c];
    if (!(diagonal > 0)) throw new Error(`constrained dof ${dof} has diagonal ${diagonal}`);
    rhs[dof] = diagonal * prescribed[dof];
  }
  return rhs;
}
