/**
 * The stiffness matrix on the GPU: float32 block CSR values split into chunks of whole block rows
 * so that each chunk's values fit one storage binding (the software Vulkan driver allows 128 MiB
 * per binding, less than the values of a large model), plus the inverted 3x3 diagonal blocks of
 * the block-Jacobi preconditioner.
 *
 * The pattern (rowOffsets) is uploaded once for the whole matrix; each chunk has its own
 * colIndices and values buffers, addressed with the chunk's first block index as base.
 */
import type { BlockSparseMatrix, BlockSparsityPattern } from '../blockSparse.js';
import { SolverError } from '../linearSolver.js';
import { GpuDeviceError, WORKGROUP_SIZE, type GpuContext } from './gpuContext.js';

/** Bytes of one 3x3 float32 block. */
const BLOCK_BYTES = 9 * 4;

/** A range of whole block rows whose blocks share one values binding. */
export interface RowChunk {
  /** First block row. */
  readonly rowStart: number;
  /** One past the last block row. */
  readonly rowEnd: number;
  /** Global index of the chunk's first block. */
  readonly blockStart: number;
  /** One past the chunk's last block. */
  readonly blockEnd: number;
}

/**
 * Splits the block rows into consecutive chunks of at most `maxBlocks` blocks and at most
 * `maxRows` rows each. Throws when a single row has more blocks than one chunk may hold.
 */
export function planRowChunks(
  pattern: BlockSparsityPattern,
  maxBlocks: number,
  maxRows: number,
): RowChunk[] {
  const { rowOffsets, blockRowCount } = pattern;
  const chunks: RowChunk[] = [];

  let rowStart = 0;
  while (rowStart < blockRowCount) {
    const blockStart = rowOffsets[rowStart];
    let rowEnd = rowStart;
    while (
      rowEnd < blockRowCount &&
      rowEnd - rowStart < maxRows &&
      rowOffsets[rowEnd + 1] - blockStart <= maxBlocks
    ) {
      rowEnd++;
    }
    if (rowEnd === rowStart) {
      const blocks = rowOffsets[rowStart + 1] - blockStart;
      throw new Error(`block row ${rowStart} has ${blocks} blocks, over ${maxBlocks} per binding`);
    }
    chunks.push({ rowStart, rowEnd, blockStart, blockEnd: rowOffsets[rowEnd] });
    rowStart = rowEnd;
  }
  return chunks;
}

/**
 * Inverts each node's 3x3 diagonal block in float64 (adjugate over determinant) and returns the
 * inverses row-major, 9 per node, in float32 scaled by `1 / scale` (the inverse of a matrix
 * scaled by `scale`). A diagonal block that is not positive definite is a {@link SolverError}.
 */
export function invertDiagonalBlocks(matrix: BlockSparseMatrix, scale: number): Float32Array {
  const { blockRowCount, diagonalIndex } = matrix.pattern;
  const inverses = new Float32Array(9 * blockRowCount);

  for (let node = 0; node < blockRowCount; node++) {
    const v = matrix.values.subarray(9 * diagonalIndex[node], 9 * diagonalIndex[node] + 9);
    const c00 = v[4] * v[8] - v[5] * v[7];
    const c01 = v[5] * v[6] - v[3] * v[8];
    const c02 = v[3] * v[7] - v[4] * v[6];
    const det = v[0] * c00 + v[1] * c01 + v[2] * c02;
    const minor2 = v[0] * v[4] - v[1] * v[3];
    if (!(v[0] > 0 && minor2 > 0 && det > 0)) {
      throw new SolverError('diverged', 0, Number.NaN, `diagonal block of node ${node} not SPD`);
    }

    const f = 1 / (det * scale);
    const out = inverses.subarray(9 * node, 9 * node + 9);
    out[0] = c00 * f;
    out[1] = (v[2] * v[7] - v[1] * v[8]) * f;
    out[2] = (v[1] * v[5] - v[2] * v[4]) * f;
    out[3] = c01 * f;
    out[4] = (v[0] * v[8] - v[2] * v[6]) * f;
    out[5] = (v[2] * v[3] - v[0] * v[5]) * f;
    out[6] = c02 * f;
    out[7] = (v[1] * v[6] - v[0] * v[7]) * f;
    out[8] = minor2 * f;
  }
  return inverses;
}

/** One chunk's GPU buffers. */
export interface GpuMatrixChunk extends RowChunk {
  /** Column node of each block (u32). */
  readonly colIndices: GPUBuffer;
  /** Float32 block values, 9 per block. */
  readonly values: GPUBuffer;
}

/** A block sparse matrix uploaded in float32, scaled by `scale`. */
export interface GpuMatrix {
  /** Nodes (block rows). */
  readonly blockRowCount: number;
  /** The factor the float64 values were multiplied by before rounding to float32. */
  readonly scale: number;
  /** Block row starts of the whole matrix (u32, blockRowCount + 1). */
  readonly rowOffsets: GPUBuffer;
  /** Chunks of whole block rows, each within one storage binding. */
  readonly chunks: readonly GpuMatrixChunk[];
  /** Inverse diagonal blocks (block-Jacobi), 9 float32 per node. */
  readonly inverseDiagonal: GPUBuffer;
}

/** The block row with the most blocks, and how many it has. */
function widestRow(pattern: BlockSparsityPattern): { row: number; blocks: number } {
  let widest = { row: 0, blocks: 0 };
  for (let row = 0; row < pattern.blockRowCount; row++) {
    const blocks = pattern.rowOffsets[row + 1] - pattern.rowOffsets[row];
    if (blocks > widest.blocks) widest = { row, blocks };
  }
  return widest;
}

/** The largest absolute value in `values`. */
function maxAbs(values: Float64Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]));
  return max;
}

/**
 * Uploads the matrix: values scaled to a largest entry of 1 (stiffness in N/mm spans many
 * decades; the scale keeps float32 far from overflow and underflow) and rounded to float32, in
 * chunks of at most `bindingBytes` bytes of values (default: the device's storage-binding limit).
 */
export function uploadMatrix(
  context: GpuContext,
  matrix: BlockSparseMatrix,
  bindingBytes: number = context.limits.maxStorageBufferBindingSize,
): GpuMatrix {
  const { pattern } = matrix;
  const queue = context.device.queue;
  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
  const largest = maxAbs(matrix.values);
  const scale = largest > 0 ? 1 / largest : 1;

  const rowOffsets = context.createBuffer(
    'matrix rowOffsets',
    pattern.rowOffsets.byteLength,
    storage,
  );
  queue.writeBuffer(rowOffsets, 0, pattern.rowOffsets);

  const maxRows = context.limits.maxComputeWorkgroupsPerDimension * WORKGROUP_SIZE;
  const widest = widestRow(pattern);
  if (widest.blocks * BLOCK_BYTES > bindingBytes) {
    throw new GpuDeviceError(
      `WebGPU adapter '${context.adapterName}': block row ${widest.row} needs ` +
        `${widest.blocks * BLOCK_BYTES} B of values, over the storage binding of ` +
        `${bindingBytes} B (maxStorageBufferBindingSize)`,
    );
  }
  const plan = planRowChunks(pattern, Math.floor(bindingBytes / BLOCK_BYTES), maxRows);
  const chunks = plan.map((chunk, index): GpuMatrixChunk => {
    const { blockStart, blockEnd } = chunk;
    const label = `matrix chunk ${index} (rows ${chunk.rowStart}..${chunk.rowEnd})`;
    const colIndices = context.createBuffer(
      `${label} colIndices`,
      4 * (blockEnd - blockStart),
      storage,
    );
    queue.writeBuffer(colIndices, 0, pattern.colIndices.subarray(blockStart, blockEnd));

    const values32 = new Float32Array(9 * (blockEnd - blockStart));
    const values64 = matrix.values.subarray(9 * blockStart, 9 * blockEnd);
    for (let i = 0; i < values32.length; i++) values32[i] = values64[i] * scale;
    const values = context.createBuffer(`${label} values`, values32.byteLength, storage);
    queue.writeBuffer(values, 0, values32);
    return { ...chunk, colIndices, values };
  });

  const inverses = invertDiagonalBlocks(matrix, scale);
  const inverseDiagonal = context.createBuffer(
    'inverse diagonal blocks',
    inverses.byteLength,
    storage,
  );
  queue.writeBuffer(inverseDiagonal, 0, inverses);
  return { blockRowCount: pattern.blockRowCount, scale, rowOffsets, chunks, inverseDiagonal };
}

/** Frees the matrix's buffers. */
export function destroyMatrix(matrix: GpuMatrix): void {
  matrix.rowOffsets.destroy();
  matrix.inverseDiagonal.destroy();
  for (const chunk of matrix.chunks) {
    chunk.colIndices.destroy();
    chunk.values.destroy();
  }
}
