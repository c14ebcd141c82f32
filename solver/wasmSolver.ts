/**
 * The WebAssembly CPU backend ('wasm'): block-Jacobi PCG in float64 compiled from Rust
 * (`wasm/`), the whole loop inside the module. With `threads: 1` one instance runs in the
 * calling thread; with more, each worker thread owns a row block in its own instance and the
 * workers exchange the search direction through shared memory (solver/wasmPool.ts).
 *
 * `matrixPrecision: 'f32'` streams a float32 copy of the matrix in the iteration (vectors stay
 * float64); the certificate is still the true residual from the float64 matrix.
 *
 * Limits: an instance addresses 4 GiB. A linear-tetrahedron stiffness matrix (about 14 blocks
 * per node) takes about 1.35 kB per node in float64 (1.9 kB with the float32 copy), so one
 * thread holds about 3 million nodes (9 million unknowns); with several threads each instance
 * holds its row block plus the whole search direction. A system that does not fit is refused
 * with a UserError before any work.
 */
import type { BlockSparseMatrix } from './blockSparse.js';
import {
  SolverError,
  type LinearSolver,
  type SolveOptions,
  type SolveResult,
} from './linearSolver.js';
import { drivePcg, type ChunkResult, type PcgEngine } from './wasmDriver.js';
import { createWasmPool } from './wasmPool.js';
import { Slot, WasmKernel } from './wasmKernel.js';

/** Options of the WebAssembly backend. */
export interface WasmSolverOptions {
  /** Worker threads, each owning a row block (default 1: no workers). */
  readonly threads?: number;
  /** Storage of the matrix streamed by the iteration (default 'f64'). */
  readonly matrixPrecision?: 'f64' | 'f32';
}

/** One in-process instance holding the whole matrix. */
function singleEngine(kernel: WasmKernel): PcgEngine {
  let bb = 0;
  return {
    start() {
      bb = kernel.pcgStart();
      return Promise.resolve(bb);
    },
    run(maxIterations, tolerance, stallWindow): Promise<ChunkResult> {
      const status = kernel.pcgRun(maxIterations, tolerance, stallWindow);
      const relativeResidual = Math.sqrt(kernel.scalars[Slot.RR]) / Math.sqrt(bb);
      return Promise.resolve({ status, iterations: kernel.iterations, relativeResidual });
    },
    trueResidual() {
      return Promise.resolve(kernel.pcgTrueResidual());
    },
    restart() {
      kernel.pcgRestart();
      return Promise.resolve();
    },
    solution() {
      return Promise.resolve(kernel.x.slice());
    },
  };
}

function checkInputs(matrix: BlockSparseMatrix, rhs: Float64Array): number {
  if (rhs.length !== 3 * matrix.pattern.blockRowCount) {
    throw new Error('wasm solver: rhs length does not match matrix');
  }
  let bb = 0;
  for (let k = 0; k < rhs.length; k++) bb += rhs[k] * rhs[k];
  if (!Number.isFinite(bb)) throw new SolverError('not-a-number', 0, NaN, 'right-hand side');
  return bb;
}

/** Creates the WebAssembly backend; see {@link WasmSolverOptions}. */
export async function createWasmSolver(options: WasmSolverOptions = {}): Promise<LinearSolver> {
  const threads = options.threads ?? 1;
  const precision = options.matrixPrecision ?? 'f64';
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`wasm solver: threads must be a positive integer, got ${threads}`);
  }
  const pool = threads > 1 ? await createWasmPool(threads) : undefined;
  const name = threads > 1 ? `wasm (${threads} threads)` : 'wasm';

  return {
    name: 'wasm',
    async solve(matrix: BlockSparseMatrix, rhs: Float64Array, solveOptions: SolveOptions) {
      const start = performance.now();
      const bb = checkInputs(matrix, rhs);
      if (bb === 0) {
        const x = new Float64Array(rhs.length);
        return { x, iterations: 0, relativeResidual: 0, backend: name, timeMs: 0 };
      }

      let result;
      if (pool) {
        const engine = await pool.load(matrix, rhs, precision);
        result = await drivePcg(engine, solveOptions);
      } else {
        const kernel = WasmKernel.create(matrix, rhs, precision);
        try {
          result = await drivePcg(singleEngine(kernel), solveOptions);
        } finally {
          kernel.dispose();
        }
      }
      const timeMs = performance.now() - start;
      return { ...result, backend: name, timeMs } satisfies SolveResult;
    },
    async dispose() {
      await pool?.dispose();
    },
  };
}
