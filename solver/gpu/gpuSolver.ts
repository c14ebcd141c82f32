/**
 * The WebGPU backend of {@link LinearSolver}: mixed-precision iterative refinement. WGSL has no
 * float64, so the GPU solves corrections in float32 while the host keeps the solution and the
 * true residual in float64:
 *
 *   x = 0, r = f
 *   repeat: solve A d = r on the GPU (float32 PCG, block Jacobi, to `innerTolerance`)
 *           x += d;  r = f - A x  (float64, from the float64 matrix)
 *   until |r| / |f| <= relativeTolerance (the certificate) or progress stops.
 *
 * Limits: the float32 matrix must be positive definite (a model whose stiffness spans more than
 * about six decades may lose that, and the solve then stops with a 'stalled' or 'diverged'
 * {@link SolverError}); each outer step cuts the residual by at best about
 * max(innerTolerance, cond(A) * 6e-8), float32's rounding of the matrix limiting the rest.
 * Matrix values larger than one storage binding are split over several bindings; vectors must
 * each fit one binding (about 11 million unknowns at 128 MiB).
 */
import type { BlockSparseMatrix } from '../blockSparse.js';
import {
  SolverError,
  type LinearSolver,
  type SolveOptions,
  type SolveResult,
} from '../linearSolver.js';
import { GpuContext, type GpuAdapterOptions } from './gpuContext.js';
import { destroyMatrix, uploadMatrix } from './gpuMatrix.js';
import { createPcgKernels, GpuPcg, type PcgKernels } from './gpuPcg.js';
import {
  createOuterResidual,
  euclideanNorm,
  typescriptResidual,
  type OuterResidual,
} from './outerResidual.js';

export { findGpuAdapter, type GpuAdapterSummary } from './gpuContext.js';

/** Options of the GPU backend; every one has a default. */
export interface GpuSolverOptions extends GpuAdapterOptions {
  /** Relative residual each float32 inner solve aims for (default 1e-5). */
  readonly innerTolerance?: number;
  /** Inner iterations per command buffer between residual readbacks (default 16). */
  readonly checkInterval?: number;
  /**
   * Bytes of matrix values per storage binding (default: the adapter's
   * maxStorageBufferBindingSize); a smaller value forces more chunks.
   */
  readonly maxStorageBindingBytes?: number;
}

/** Outer steps in a row that may fail to halve the residual before the solve is 'stalled'. */
const MAX_SLOW_STEPS = 4;

/** PCG on WebGPU in float32 inside a float64 refinement loop. */
export class GpuSolver implements LinearSolver {
  /** Short name for reports. */
  readonly name = 'gpu';
  /** Description of the adapter in use. */
  readonly adapterName: string;
  /** True when the adapter is CPU-emulated (llvmpipe, SwiftShader, ...). */
  readonly isSoftware: boolean;
  /** The device, shared with benchmarks (bandwidth probe). */
  readonly context: GpuContext;
  private readonly kernels: PcgKernels;
  private readonly options: GpuSolverOptions;

  /** Use {@link createGpuSolver}. */
  constructor(context: GpuContext, kernels: PcgKernels, options: GpuSolverOptions) {
    this.context = context;
    this.kernels = kernels;
    this.options = options;
    this.adapterName = context.adapterName;
    this.isSoftware = context.isSoftware;
  }

  /** Solves K x = f to the certified relative residual of `options`. */
  async solve(
    matrix: BlockSparseMatrix,
    rhs: Float64Array,
    options: SolveOptions,
  ): Promise<SolveResult> {
    const started = performance.now();
    const n = 3 * matrix.pattern.blockRowCount;
    if (rhs.length !== n) throw new Error(`right-hand side has ${rhs.length} entries, not ${n}`);
    const backend = `gpu (${this.adapterName})`;
    const x = new Float64Array(n);
    const rhsNorm = euclideanNorm(rhs);
    if (rhsNorm === 0) {
      return { x, iterations: 0, relativeResidual: 0, backend, timeMs: 0 };
    }

    const gpuMatrix = uploadMatrix(this.context, matrix, this.options.maxStorageBindingBytes);
    const pcg = new GpuPcg(this.context, this.kernels, gpuMatrix);
    const outer = await createOuterResidual(matrix);
    try {
      const iterations = await this.refine(outer, rhs, x, pcg, gpuMatrix.scale, options);
      const r = new Float64Array(n);
      const relativeResidual = typescriptResidual(r, matrix, x, rhs) / rhsNorm;
      if (!(relativeResidual <= options.relativeTolerance)) {
        throw new SolverError('certificate', iterations, relativeResidual, backend);
      }
      const timeMs = performance.now() - started;
      return { x, iterations, relativeResidual, backend, timeMs };
    } finally {
      outer.dispose();
      pcg.dispose();
      destroyMatrix(gpuMatrix);
    }
  }

  /** Frees the device. */
  async dispose(): Promise<void> {
    this.context.dispose();
  }

  /** The refinement loop: updates x in place and returns the inner iterations summed. */
  private async refine(
    outer: OuterResidual,
    f: Float64Array,
    x: Float64Array,
    pcg: GpuPcg,
    scale: number,
    options: SolveOptions,
  ): Promise<number> {
    const n = x.length;
    const r = Float64Array.from(f);
    const rhsNorm = euclideanNorm(f);
    const innerTolerance = this.options.innerTolerance ?? 1e-5;
    const checkInterval = this.options.checkInterval ?? 16;
    const correction = new Float32Array(n);
    let relative = 1;
    let rNorm = rhsNorm;
    let iterations = 0;
    let slowSteps = 0;

    while (relative > options.relativeTolerance) {
      if (iterations >= options.maxIterations) {
        throw new SolverError('max-iterations', iterations, relative, 'GPU refinement');
      }
      for (let i = 0; i < n; i++) correction[i] = r[i] / rNorm;
      const before = iterations;
      const inner = await pcg.solve(correction, {
        tolerance: Math.max(innerTolerance, (0.5 * options.relativeTolerance) / relative),
        maxIterations: options.maxIterations - iterations,
        checkInterval,
        onCheck: (count, innerRelative) =>
          options.onProgress?.(before + count, relative * innerRelative),
      });
      iterations += inner.iterations;

      const step = scale * rNorm;
      for (let i = 0; i < n; i++) x[i] += step * inner.y[i];
      const next = outer.compute(r, x, f) / rhsNorm;
      if (!Number.isFinite(next)) {
        throw new SolverError('not-a-number', iterations, next, 'float64 residual');
      }
      if (next >= relative) {
        const note = inner.breakdown ? 'float32 matrix not positive definite' : 'no progress';
        throw new SolverError(inner.breakdown ? 'diverged' : 'stalled', iterations, relative, note);
      }

      slowSteps = next > 0.5 * relative ? slowSteps + 1 : 0;
      if (slowSteps >= MAX_SLOW_STEPS) {
        throw new SolverError('stalled', iterations, next, 'float32 corrections barely help');
      }
      relative = next;
      rNorm = next * rhsNorm;
    }
    return iterations;
  }
}

/**
 * Opens a WebGPU device and compiles the PCG kernels. With `preferHardware`, a hardware adapter
 * is taken when there is one. Throws a UserError when WebGPU finds no adapter.
 */
export async function createGpuSolver(options: GpuSolverOptions = {}): Promise<GpuSolver> {
  const context = await GpuContext.open(options);
  try {
    const kernels = await createPcgKernels(context);
    return new GpuSolver(context, kernels, options);
  } catch (error) {
    context.dispose();
    throw error;
  }
}
