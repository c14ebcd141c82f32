/**
 * The float64 residual r = b - A x on the WebAssembly kernel, without running PCG: the matrix is
 * copied into the module once and reused for any number of (x, b) pairs. Used by the
 * mixed-precision outer loop of the GPU backend and by the certificate of every solve.
 */
import type { BlockSparseMatrix } from './blockSparse.js';
import { Slot, WasmKernel } from './wasmKernel.js';

/** Reusable float64 residual of one matrix. */
export class WasmResidual {
  private readonly kernel: WasmKernel;

  private constructor(kernel: WasmKernel) {
    this.kernel = kernel;
  }

  /** Copies `matrix` into a kernel instance (float64 values). */
  static create(matrix: BlockSparseMatrix): WasmResidual {
    return new WasmResidual(WasmKernel.create(matrix, undefined, 'f64'));
  }

  /**
   * Computes r = b - A x in float64 into `out` (allocated when omitted) and returns it with its
   * Euclidean norm |r|. `x`, `b` and `out` hold 3 entries per node.
   */
  residual(
    x: Float64Array,
    b: Float64Array,
    out: Float64Array = new Float64Array(b.length),
  ): { r: Float64Array; norm: number } {
    const n = 3 * this.kernel.globalRows;
    if (x.length !== n || b.length !== n || out.length !== n) {
      throw new Error(`WasmResidual: vectors must hold ${n} entries`);
    }

    this.kernel.rhs.set(b);
    this.kernel.p.set(x);
    this.kernel.phaseResidual();

    out.set(this.kernel.r);
    return { r: out, norm: Math.sqrt(this.kernel.scalars[Slot.RR]) };
  }

  /** Frees the kernel. */
  dispose(): void {
    this.kernel.dispose();
  }
}
