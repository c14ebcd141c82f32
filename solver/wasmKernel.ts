/**
 * Loader and thin wrapper of the WebAssembly PCG kernel (`wasm/pkg/vph_kernel.wasm`, built from
 * the Rust crate in `wasm/` by `npm run build:wasm`). One {@link WasmKernel} is one module
 * instance owning one row block of a block sparse matrix (the whole matrix for one thread):
 * the matrix is copied into its linear memory once, then the PCG loop or its phases run there.
 *
 * Limit: an instance addresses at most 4 GiB; {@link kernelBytes} gives the size a row block
 * needs and {@link WasmKernel.create} refuses, before any work, a block that cannot fit.
 */
import { readFileSync, existsSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import { projectPath } from '../core/paths.js';
import type { BlockSparseMatrix } from './blockSparse.js';
import { SolverError } from './linearSolver.js';

/** Path of the compiled kernel. */
export const wasmKernelPath: string = projectPath('wasm', 'pkg', 'vph_kernel.wasm');

/** WebAssembly (wasm32) linear memory limit in bytes: 4 GiB. */
export const wasmMemoryLimitBytes = 4 * 1024 ** 3;

/** Room kept for the module's stack, data and allocator slack, in bytes. */
const reservedBytes = 16 * 1024 ** 2;

/** Status codes of {@link WasmKernel.run}, as returned by the kernel's `vph_pcg_run`. */
export enum PcgStatus {
  /** The iteration budget of this call is spent; not converged yet. */
  Running = 0,
  /** The recurrence residual reached the tolerance. */
  Converged = 1,
  /** p . q <= 0: the matrix is not positive definite (numerically). */
  Indefinite = -1,
  /** A reduction came out NaN. */
  NotANumber = -2,
  /** The relative residual grew above 1e6. */
  Diverged = -3,
  /** No new best residual (by 0.1 %) within the stall window. */
  Stalled = -4,
}

/** Reduction slots of the kernel (`vph_scalars`). */
export enum Slot {
  /** Local p . q. */
  PQ = 0,
  /** Local r . r. */
  RR = 1,
  /** Local r . z. */
  RZ = 2,
  /** Local b . b. */
  BB = 3,
  /** Block row where prepare failed. */
  FaultRow = 4,
  /** Determinant of the faulty diagonal block. */
  FaultValue = 5,
}

/** The slice of the WebAssembly JS API used here (the TS lib in use declares no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => CompiledKernel;
  Instance: new (module: CompiledKernel, imports: object) => { exports: unknown };
}

/** A compiled kernel module (a `WebAssembly.Module`), shareable with workers. */
export type CompiledKernel = object;

const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface KernelExports {
  memory: { buffer: ArrayBuffer };
  vph_kernel_create(g: number, begin: number, rows: number, blocks: number, f32: number): number;
  vph_kernel_destroy(k: number): void;
  vph_row_offsets(k: number): number;
  vph_col_indices(k: number): number;
  vph_values(k: number): number;
  vph_rhs(k: number): number;
  vph_x(k: number): number;
  vph_r(k: number): number;
  vph_p(k: number): number;
  vph_scalars(k: number): number;
  vph_prepare(k: number): number;
  vph_phase_start(k: number): void;
  vph_phase_matvec(k: number): number;
  vph_phase_update(k: number, alpha: number): void;
  vph_phase_direction(k: number, beta: number): void;
  vph_phase_load_x(k: number): void;
  vph_phase_residual(k: number): void;
  vph_pcg_start(k: number): number;
  vph_pcg_run(k: number, maxIterations: number, tolerance: number, stall: number): number;
  vph_pcg_iterations(k: number): number;
  vph_pcg_true_residual(k: number): number;
  vph_pcg_restart(k: number): void;
}

let compiled: CompiledKernel | undefined;

/** The compiled kernel module, compiled once per thread. */
export function kernelModule(): CompiledKernel {
  if (compiled) return compiled;
  if (!existsSync(wasmKernelPath)) {
    throw new UserError(
      `${wasmKernelPath}: WebAssembly kernel not built; run \`npm run build:wasm\``,
    );
  }
  const module = new wasmApi.Module(readFileSync(wasmKernelPath));
  compiled = module;
  return module;
}

/** Bytes of linear memory a row block needs: matrix, preconditioner, vectors, whole p. */
export function kernelBytes(
  globalRows: number,
  localRows: number,
  localBlocks: number,
  matrixPrecision: 'f64' | 'f32',
): number {
  const perBlock = 72 + 4 + (matrixPrecision === 'f32' ? 36 : 0);
  const perLocalRow = 4 + 72 + 6 * 24;
  return localBlocks * perBlock + localRows * perLocalRow + globalRows * 24 + reservedBytes;
}

/**
 * Throws the UserError for a row block that cannot fit in one instance's 4 GiB, naming the
 * size; returns the bytes needed otherwise.
 */
export function checkKernelFits(
  globalRows: number,
  localRows: number,
  localBlocks: number,
  matrixPrecision: 'f64' | 'f32',
): number {
  const bytes = kernelBytes(globalRows, localRows, localBlocks, matrixPrecision);
  if (bytes <= wasmMemoryLimitBytes) return bytes;
  throw new UserError(
    `wasm solver: system of ${3 * globalRows} equations (${localBlocks} blocks in one row block) ` +
      `needs ${(bytes / 1024 ** 3).toFixed(2)} GiB per instance, over the 4 GiB WebAssembly ` +
      `limit; use more threads, a coarser mesh or another backend`,
  );
}

/** The error for a singular diagonal block (as the reference backend reports it). */
export function singularBlockError(node: number): SolverError {
  return new SolverError('not-a-number', 0, NaN, `diagonal block of node ${node} is singular`);
}

/**
 * First node whose 3x3 diagonal block has a zero or non-finite determinant (the kernel's own
 * test, done here in the main thread before row blocks go to workers), or -1.
 */
export function findSingularDiagonal(matrix: BlockSparseMatrix): number {
  const { blockRowCount, diagonalIndex } = matrix.pattern;
  const m = matrix.values;
  for (let node = 0; node < blockRowCount; node++) {
    const v = 9 * diagonalIndex[node];
    const c00 = m[v + 4] * m[v + 8] - m[v + 5] * m[v + 7];
    const c01 = m[v + 2] * m[v + 7] - m[v + 1] * m[v + 8];
    const c02 = m[v + 1] * m[v + 5] - m[v + 2] * m[v + 4];
    const det = m[v] * c00 + m[v + 3] * c01 + m[v + 6] * c02;
    if (!(Math.abs(det) > 0) || !Number.isFinite(det)) return node;
  }
  return -1;
}

/** A row block of the matrix: rows `rowBegin .. rowEnd` (block rows). */
export interface RowBlock {
  /** First block row. */
  readonly rowBegin: number;
  /** One past the last block row. */
  readonly rowEnd: number;
}

/** The arrays of one row block, as the kernel takes them. */
export interface RowBlockData {
  /** Block rows of the whole matrix. */
  readonly globalRows: number;
  /** First block row of this block. */
  readonly rowBegin: number;
  /** The block's slice of the row offsets (local rows + 1 entries, not rebased). */
  readonly rowOffsets: Uint32Array;
  /** The block's column indices (global). */
  readonly colIndices: Uint32Array;
  /** The block's values, 9 per block. */
  readonly values: Float64Array;
  /** The block's slice of the right-hand side, 3 per row (omitted: zero). */
  readonly rhs?: Float64Array;
}

/** One module instance holding one row block (or the whole matrix) and its PCG state. */
export class WasmKernel {
  private readonly exports: KernelExports;
  private readonly handle: number;
  /** Block rows of the whole matrix. */
  readonly globalRows: number;
  /** Rows owned by this instance. */
  readonly rows: RowBlock;

  private constructor(exports: KernelExports, handle: number, globalRows: number, rows: RowBlock) {
    this.exports = exports;
    this.handle = handle;
    this.globalRows = globalRows;
    this.rows = rows;
  }

  /**
   * Instantiates the module and copies rows `rows` of `matrix` and of `rhs` into it (the whole
   * matrix when `rows` is omitted). Throws a UserError when the block cannot fit in 4 GiB, and a
   * SolverError ('not-a-number', as the reference backend) when a diagonal block is singular.
   */
  static create(
    matrix: BlockSparseMatrix,
    rhs: Float64Array | undefined,
    matrixPrecision: 'f64' | 'f32' = 'f64',
    rows: RowBlock = { rowBegin: 0, rowEnd: matrix.pattern.blockRowCount },
  ): WasmKernel {
    const { rowOffsets, colIndices, blockRowCount } = matrix.pattern;
    const first = rowOffsets[rows.rowBegin];
    const last = rowOffsets[rows.rowEnd];
    const block: RowBlockData = {
      globalRows: blockRowCount,
      rowBegin: rows.rowBegin,
      rowOffsets: rowOffsets.subarray(rows.rowBegin, rows.rowEnd + 1),
      colIndices: colIndices.subarray(first, last),
      values: matrix.values.subarray(9 * first, 9 * last),
      rhs: rhs?.subarray(3 * rows.rowBegin, 3 * rows.rowEnd),
    };
    return WasmKernel.createRowBlock(block, matrixPrecision);
  }

  /** As {@link create}, from the arrays of one row block (e.g. received by a worker). */
  static createRowBlock(block: RowBlockData, matrixPrecision: 'f64' | 'f32'): WasmKernel {
    const localRows = block.rowOffsets.length - 1;
    const localBlocks = block.colIndices.length;
    const first = block.rowOffsets[0];
    const equations = 3 * block.globalRows;
    const bytes = checkKernelFits(block.globalRows, localRows, localBlocks, matrixPrecision);
    const gib = (bytes / 1024 ** 3).toFixed(2);

    const instance = new wasmApi.Instance(kernelModule(), {});
    const exports = instance.exports as unknown as KernelExports;
    const f32 = matrixPrecision === 'f32' ? 1 : 0;
    const handle = exports.vph_kernel_create(
      block.globalRows,
      block.rowBegin,
      localRows,
      localBlocks,
      f32,
    );
    if (handle === 0) {
      throw new UserError(
        `wasm solver: could not allocate ${gib} GiB of WebAssembly memory ` +
          `for ${equations} equations`,
      );
    }
    const rows = { rowBegin: block.rowBegin, rowEnd: block.rowBegin + localRows };
    const kernel = new WasmKernel(exports, handle, block.globalRows, rows);

    const offsets = kernel.u32(exports.vph_row_offsets(handle), localRows + 1);
    for (let i = 0; i <= localRows; i++) offsets[i] = block.rowOffsets[i] - first;
    kernel.u32(exports.vph_col_indices(handle), localBlocks).set(block.colIndices);
    kernel.f64(exports.vph_values(handle), 9 * localBlocks).set(block.values);
    if (block.rhs) kernel.rhs.set(block.rhs);
    kernel.prepare();
    return kernel;
  }

  private prepare(): void {
    const code = this.exports.vph_prepare(this.handle);
    if (code === 0) return;
    const scalars = this.scalars;
    if (code === 3) {
      throw singularBlockError(scalars[Slot.FaultRow]);
    }
    const what = code === 2 ? `block row ${scalars[Slot.FaultRow]} has no diagonal block` : '';
    throw new Error(`wasm solver: malformed block sparse matrix ${what}`.trim());
  }

  private u32(address: number, length: number): Uint32Array {
    return new Uint32Array(this.exports.memory.buffer, address, length);
  }

  private f64(address: number, length: number): Float64Array {
    return new Float64Array(this.exports.memory.buffer, address, length);
  }

  /** View of the local right-hand side b (3 per local block row). */
  get rhs(): Float64Array {
    return this.f64(this.exports.vph_rhs(this.handle), 3 * this.localRows);
  }

  /** View of the local solution x. */
  get x(): Float64Array {
    return this.f64(this.exports.vph_x(this.handle), 3 * this.localRows);
  }

  /** View of the local residual r (after a residual phase: b - A x). */
  get r(): Float64Array {
    return this.f64(this.exports.vph_r(this.handle), 3 * this.localRows);
  }

  /** View of the whole search direction p (3 per global block row). */
  get p(): Float64Array {
    return this.f64(this.exports.vph_p(this.handle), 3 * this.globalRows);
  }

  /** View of the reduction slots (see {@link Slot}). */
  get scalars(): Float64Array {
    return this.f64(this.exports.vph_scalars(this.handle), 8);
  }

  /** Block rows owned here. */
  get localRows(): number {
    return this.rows.rowEnd - this.rows.rowBegin;
  }

  /** Whole-matrix loop: starts from x = 0; returns |b| squared. */
  pcgStart(): number {
    return this.exports.vph_pcg_start(this.handle);
  }

  /**
   * Whole-matrix loop: at most `maxIterations` more iterations; returns a {@link PcgStatus}.
   * `stallWindow`: iterations without a new best residual before the loop reports a stall.
   */
  pcgRun(maxIterations: number, relativeTolerance: number, stallWindow: number): PcgStatus {
    return this.exports.vph_pcg_run(this.handle, maxIterations, relativeTolerance, stallWindow);
  }

  /** Whole-matrix loop: iterations since {@link pcgStart}. */
  get iterations(): number {
    return this.exports.vph_pcg_iterations(this.handle);
  }

  /** Whole-matrix loop: recomputes r = b - A x in float64; returns |r| / |b|. */
  pcgTrueResidual(): number {
    return this.exports.vph_pcg_true_residual(this.handle);
  }

  /** Whole-matrix loop: restarts the recurrence from the last true residual. */
  pcgRestart(): void {
    this.exports.vph_pcg_restart(this.handle);
  }

  /** Phase: x = 0, r = b, z = M^-1 r, local p = z; local r.r and r.z into the slots. */
  phaseStart(): void {
    this.exports.vph_phase_start(this.handle);
  }

  /** Phase: q = A p on the local rows; returns the local p . q. */
  phaseMatvec(): number {
    return this.exports.vph_phase_matvec(this.handle);
  }

  /** Phase: x += alpha p, r -= alpha q, z = M^-1 r; local r.r and r.z into the slots. */
  phaseUpdate(alpha: number): void {
    this.exports.vph_phase_update(this.handle, alpha);
  }

  /** Phase: local p = z + beta p. */
  phaseDirection(beta: number): void {
    this.exports.vph_phase_direction(this.handle, beta);
  }

  /** Phase: local rows of p = local x. */
  phaseLoadX(): void {
    this.exports.vph_phase_load_x(this.handle);
  }

  /** Phase: r = b - A p in float64 (p holding x), z = M^-1 r; local r.r, r.z into the slots. */
  phaseResidual(): void {
    this.exports.vph_phase_residual(this.handle);
  }

  /** Frees the kernel's memory inside the instance (the instance goes with its last reference). */
  dispose(): void {
    this.exports.vph_kernel_destroy(this.handle);
  }
}
