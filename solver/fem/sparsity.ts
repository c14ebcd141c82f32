/**
 * The block sparsity pattern of a tetrahedral mesh's stiffness matrix, built once from the
 * connectivity, and the map from each element's 4x4 local blocks to their global block
 * positions, so that assembly can refill the values without searching.
 */
import type { BlockSparsityPattern } from '../blockSparse.js';
import type { TetMesh } from '../../meshing/tetMesh.js';

/** The pattern of a mesh plus, per element, where its 16 local blocks live. */
export interface MeshSparsity {
  readonly pattern: BlockSparsityPattern;
  /**
   * 16 global block indices per element: entry 16 * e + 4 * a + b is the position in
   * `pattern.colIndices` of the block coupling local node a (row) with local node b (column).
   */
  readonly elementBlocks: Uint32Array;
}

/**
 * Builds the block CSR pattern of `mesh` (one block row per node; columns sorted, diagonal
 * included, duplicates merged) and the element-to-block map. Nodes used by no element get a
 * diagonal block alone (assembly leaves it zero; boundary handling must constrain them).
 */
export function buildMeshSparsity(mesh: TetMesh): MeshSparsity {
  const nodeCount = mesh.nodes.length / 3;
  const tets = mesh.tets;
  const tetCount = tets.length / 4;

  // Phase 1: every node row gets its own diagonal plus 4 entries per incident element.
  const rawCounts = new Uint32Array(nodeCount + 1);
  for (let n = 0; n < nodeCount; n++) rawCounts[n + 1] = 1;
  for (let k = 0; k < tets.length; k++) rawCounts[tets[k] + 1] += 4;
  for (let n = 0; n < nodeCount; n++) rawCounts[n + 1] += rawCounts[n];

  const raw = new Uint32Array(rawCounts[nodeCount]);
  const fill = rawCounts.slice(0, nodeCount);
  for (let n = 0; n < nodeCount; n++) raw[fill[n]++] = n;
  for (let e = 0; e < tetCount; e++) {
    for (let a = 0; a < 4; a++) {
      const row = tets[4 * e + a];
      for (let b = 0; b < 4; b++) raw[fill[row]++] = tets[4 * e + b];
    }
  }

  // Phase 2: sort each row and drop duplicates.
  const rowOffsets = new Uint32Array(nodeCount + 1);
  const unique = new Uint32Array(raw.length);
  let count = 0;
  for (let n = 0; n < nodeCount; n++) {
    const segment = raw.subarray(rawCounts[n], rawCounts[n + 1]).sort();
    rowOffsets[n] = count;
    for (let k = 0; k < segment.length; k++) {
      if (k === 0 || segment[k] !== segment[k - 1]) unique[count++] = segment[k];
    }
  }
  rowOffsets[nodeCount] = count;
  const colIndices = unique.slice(0, count);

  // Phase 3: diagonal positions and the element block map by binary search.
  const diagonalIndex = new Uint32Array(nodeCount);
  for (let n = 0; n < nodeCount; n++) {
    diagonalIndex[n] = findBlock(rowOffsets, colIndices, n, n);
  }
  const elementBlocks = new Uint32Array(16 * tetCount);
  for (let e = 0; e < tetCount; e++) {
    for (let a = 0; a < 4; a++) {
      const row = tets[4 * e + a];
      for (let b = 0; b < 4; b++) {
        elementBlocks[16 * e + 4 * a + b] = findBlock(rowOffsets, colIndices, row, tets[4 * e + b]);
      }
    }
  }

  return {
    pattern: { blockRowCount: nodeCount, rowOffsets, colIndices, diagonalIndex },
    elementBlocks,
  };
}

/** Position of block (row, column) in colIndices; throws when the pattern lacks it. */
export function findBlock(
  rowOffsets: Uint32Array,
  colIndices: Uint32Array,
  row: number,
  column: number,
): number {
  let low = rowOffsets[row];
  let high = rowOffsets[row + 1] - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const c = colIndices[mid];
    if (c === column) return mid;
    if (c < column) low = mid + 1;
    else high = mid - 1;
  }
  throw new Error(`block (${row}, ${column}) is not in the sparsity pattern`);
}
