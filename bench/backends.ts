/**
 * The backends the benchmark compares, each with the storage precisions its iteration streams
 * and the bandwidth probe of its device. Backends are loaded lazily (dynamic import) inside the
 * child process that runs them, so a missing or broken backend is a skipped row with its reason,
 * not a failed benchmark.
 */
import type { BlockSparseMatrix } from '../solver/blockSparse.js';
import type { LinearSolver } from '../solver/linearSolver.js';
import type { StoragePrecision } from './trafficModel.js';

/** Which implementation a run uses. */
export type BackendKind = 'js' | 'wasm' | 'native' | 'gpu';

/** A backend as the runner schedules it. */
export interface BackendSpec {
  /** Key in results, e.g. 'js', 'wasm-1t', 'wasm-2t', 'native', 'gpu-0'. */
  readonly id: string;
  readonly kind: BackendKind;
  /** Worker threads (wasm), 1 otherwise. */
  readonly threads: number;
  /** Device label, e.g. 'cpu: ...' or 'gpu: llvmpipe ... (software)'. */
  readonly device: string;
  /** Id of the bandwidth probe of its device (see probes/). */
  readonly probeId: string;
  /** Storage precisions of its PCG iteration (for the traffic model). */
  readonly precision: StoragePrecision;
  /** Largest system (unknowns) it is given; larger ones are skipped and reported. */
  readonly maxUnknowns: number;
  /** Why the cap exists, for the skipped rows. */
  readonly capReason: string;
}

/** float64 matrix and vectors (TypeScript, wasm, native). */
export const float64Storage: StoragePrecision = { matrixValueBytes: 8, vectorValueBytes: 8 };

/** float32 matrix and vectors (the GPU's inner PCG). */
export const float32Storage: StoragePrecision = { matrixValueBytes: 4, vectorValueBytes: 4 };

/** A timed mat-vec y = K x, callable repeatedly; dispose frees what it holds. */
export interface MatVecKernel {
  run(): void;
  dispose(): void;
}

/** Creates the LinearSolver of `spec` (dynamic import of its module). */
export async function createBackendSolver(spec: BackendSpec): Promise<LinearSolver> {
  switch (spec.kind) {
    case 'js': {
      const { createJsSolver } = await import('../solver/jsSolver.js');
      return createJsSolver();
    }
    case 'wasm': {
      const { createWasmSolver } = await import('../solver/wasmSolver.js');
      return createWasmSolver({ threads: spec.threads, matrixPrecision: 'f64' });
    }
    case 'gpu': {
      const { createGpuSolver } = await import('../solver/gpu/gpuSolver.js');
      return createGpuSolver({ preferHardware: spec.device.endsWith('(hardware)') });
    }
    case 'native':
      throw new Error('the native kernel runs as its own program, not as a LinearSolver');
  }
}

/**
 * The mat-vec alone for backends that expose it in-process (TypeScript: multiplyBlockSparse;
 * single-thread wasm: the kernel's mat-vec phase, which also forms p.q), else null.
 */
export async function createMatVecKernel(
  spec: BackendSpec,
  matrix: BlockSparseMatrix,
  rhs: Float64Array,
): Promise<MatVecKernel | null> {
  if (spec.kind === 'js') {
    const { multiplyBlockSparse } = await import('../solver/blockSparse.js');
    const x = Float64Array.from(rhs);
    const y = new Float64Array(rhs.length);
    return { run: () => multiplyBlockSparse(y, matrix, x), dispose: () => {} };
  }
  if (spec.kind === 'wasm' && spec.threads === 1) {
    const { WasmKernel } = await import('../solver/wasmKernel.js');
    const kernel = WasmKernel.create(matrix, rhs, 'f64');
    kernel.phaseStart();
    return { run: () => void kernel.phaseMatvec(), dispose: () => kernel.dispose() };
  }
  return null;
}
