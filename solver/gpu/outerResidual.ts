/**
 * The float64 residual r = f - K u of the GPU backend's refinement loop: the WebAssembly
 * kernel's (solver/wasmResidual.ts) when it loads, else the TypeScript block product. Both
 * compute in float64 from the float64 matrix; the final certificate is always recomputed with
 * the TypeScript product.
 */
import { multiplyBlockSparse, type BlockSparseMatrix } from '../blockSparse.js';

/** A reusable r = f - K u for one matrix. */
export interface OuterResidual {
  /** Which implementation computes it: 'wasm' or 'js'. */
  readonly kind: 'wasm' | 'js';
  /** Writes f - K u into `out` and returns its Euclidean norm. */
  compute(out: Float64Array, u: Float64Array, f: Float64Array): number;
  /** Frees module memory. */
  dispose(): void;
}

/** The slice of solver/wasmResidual.ts used here. */
interface WasmResidualModule {
  WasmResidual: {
    create(matrix: BlockSparseMatrix): {
      residual(x: Float64Array, b: Float64Array, out: Float64Array): { norm: number };
      dispose(): void;
    };
  };
}

// Kept in a variable: the WebAssembly kernel is optional and resolved at run time only.
const wasmResidualPath = '../wasmResidual.js';

/** Euclidean norm of `v`. */
export function euclideanNorm(v: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  return Math.sqrt(sum);
}

/** r = f - K u with the TypeScript block product; returns |r|. */
export function typescriptResidual(
  out: Float64Array,
  matrix: BlockSparseMatrix,
  u: Float64Array,
  f: Float64Array,
): number {
  multiplyBlockSparse(out, matrix, u);
  for (let i = 0; i < out.length; i++) out[i] = f[i] - out[i];
  return euclideanNorm(out);
}

/** The WebAssembly residual of `matrix` when the kernel loads, else the TypeScript one. */
export async function createOuterResidual(matrix: BlockSparseMatrix): Promise<OuterResidual> {
  try {
    const module = (await import(wasmResidualPath)) as WasmResidualModule;
    const wasm = module.WasmResidual.create(matrix);
    return {
      kind: 'wasm',
      compute: (out, u, f) => wasm.residual(u, f, out).norm,
      dispose: () => wasm.dispose(),
    };
  } catch {
    return {
      kind: 'js',
      compute: (out, u, f) => typescriptResidual(out, matrix, u, f),
      dispose: () => {},
    };
  }
}
