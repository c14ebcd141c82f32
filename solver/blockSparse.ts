/**
 * 3x3-block sparse storage (block CSR) of the stiffness matrix. The sparsity pattern is built
 * once from the mesh and kept apart from the values, which assembly refills.
 *
 * Both triangles are stored (the matrix is symmetric but every backend streams full rows).
 * Block b of row r holds the 3x3 coupling between node r and node colIndices[b], row-major:
 * values[9 * b + 3 * a + c] couples degree of freedom a of node r with dof c of the column node.
 */

/** Which blocks are non-zero: block CSR structure, one block row per node. */
export interface BlockSparsityPattern {
  /** Number of block rows (= nodes); the matrix has 3 * blockRowCount equations. */
  readonly blockRowCount: number;
  /** Start of each block row in colIndices; length blockRowCount + 1. */
  readonly rowOffsets: Uint32Array;
  /** Column block index of each block, ascending within a row, diagonal included. */
  readonly colIndices: Uint32Array;
  /** Position of the diagonal block of each row in colIndices; length blockRowCount. */
  readonly diagonalIndex: Uint32Array;
}

/** A block sparse matrix: a pattern plus 9 float64 values per block. */
export interface BlockSparseMatrix {
  readonly pattern: BlockSparsityPattern;
  /** 9 values per block, row-major within the block, in colIndices order. */
  readonly values: Float64Array;
}

/** y = A x for a block sparse matrix, in float64 (the reference product). */
export function multiplyBlockSparse(
  out: Float64Array,
  matrix: BlockSparseMatrix,
  x: Float64Array,
): Float64Array {
  const { rowOffsets, colIndices, blockRowCount } = matrix.pattern;
  const values = matrix.values;

  for (let row = 0; row < blockRowCount; row++) {
    let y0 = 0;
    let y1 = 0;
    let y2 = 0;
    for (let b = rowOffsets[row]; b < rowOffsets[row + 1]; b++) {
      const c = 3 * colIndices[b];
      const v = 9 * b;
      const x0 = x[c];
      const x1 = x[c + 1];
      const x2 = x[c + 2];
      y0 += values[v] * x0 + values[v + 1] * x1 + values[v + 2] * x2;
      y1 += values[v + 3] * x0 + values[v + 4] * x1 + values[v + 5] * x2;
      y2 += values[v + 6] * x0 + values[v + 7] * x1 + values[v + 8] * x2;
    }
    out[3 * row] = y0;
    out[3 * row + 1] = y1;
    out[3 * row + 2] = y2;
  }
  return out;
}
