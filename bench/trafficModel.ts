/**
 * The memory traffic the benchmark counts for one block-Jacobi PCG iteration and for one
 * block sparse mat-vec. The count is a model, the same for every backend (only the storage
 * precisions differ), so that effective bandwidths compare: each array is counted once per
 * loop that streams it, and the gathered vector of the mat-vec once (perfect cache reuse).
 *
 * With N unknowns, n = N / 3 block rows, B stored 3x3 blocks, s_m bytes per matrix value and
 * s_v bytes per vector entry:
 *
 * - mat-vec q = K p: values 9 s_m B, column indices 4 B, row offsets 4 (n + 1), p read N s_v,
 *   q written N s_v;
 * - p.q: 2 N s_v;
 * - x += alpha p, r -= alpha q, with r.r: x, p, r, q read and x, r written: 6 N s_v;
 * - z = M^-1 r (block-Jacobi, 9 values per block row = 3 N): M^-1, r read, z written: 5 N s_v;
 * - r.z: 2 N s_v;
 * - p = z + beta p: 3 N s_v.
 *
 * So one iteration moves B (9 s_m + 4) + 4 (n + 1) + 20 N s_v bytes, and one mat-vec
 * B (9 s_m + 4) + 4 (n + 1) + 2 N s_v. A lumbar tet mesh has about 15 blocks per block row
 * (45 non-zeros per scalar row), so in float64 an iteration is about 540 bytes per unknown.
 */

/** Sizes of a block sparse system, as the traffic model needs them. */
export interface SystemSize {
  /** Unknowns N (3 per block row). */
  readonly unknowns: number;
  /** Stored 3x3 blocks B (both triangles). */
  readonly blocks: number;
}

/** Storage precisions of one backend, in bytes per value. */
export interface StoragePrecision {
  /** Bytes per stored matrix value (8 float64, 4 float32). */
  readonly matrixValueBytes: number;
  /** Bytes per vector entry, preconditioner included (8 float64, 4 float32). */
  readonly vectorValueBytes: number;
}

/** Bytes per column index and per row offset (uint32). */
export const indexBytes = 4;

/** Vector streams per PCG iteration counted by the model (see the module comment). */
export const vectorStreamsPerIteration = 20;

/** Bytes one block sparse mat-vec moves under the model. */
export function matVecBytes(size: SystemSize, precision: StoragePrecision): number {
  const blockRows = size.unknowns / 3;
  return (
    size.blocks * (9 * precision.matrixValueBytes + indexBytes) +
    indexBytes * (blockRows + 1) +
    2 * size.unknowns * precision.vectorValueBytes
  );
}

/** Bytes one block-Jacobi PCG iteration moves under the model. */
export function pcgIterationBytes(size: SystemSize, precision: StoragePrecision): number {
  const blockRows = size.unknowns / 3;
  return (
    size.blocks * (9 * precision.matrixValueBytes + indexBytes) +
    indexBytes * (blockRows + 1) +
    vectorStreamsPerIteration * size.unknowns * precision.vectorValueBytes
  );
}

/** Effective bandwidth in GB/s (1e9 bytes per second) of `bytes` moved in `timeMs`. */
export function gigabytesPerSecond(bytes: number, timeMs: number): number {
  return bytes / (timeMs * 1e-3) / 1e9;
}
