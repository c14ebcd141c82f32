/**
 * The worker threads of the multi-threaded WebAssembly backend (main-thread side). The rows are
 * split into contiguous blocks of about equal numbers of stored blocks (the work of the
 * product); each worker (solver/wasmWorker.ts) loads its block once per solve, and all workers
 * run each PCG chunk together. The result of worker 0 stands for all (they agree exactly).
 */
import { releaseProxy, transfer, wrap, type Remote } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BlockSparseMatrix } from './blockSparse.js';
import type { PcgEngine } from './wasmDriver.js';
import { barrierBytes } from './wasmBarrier.js';
import {
  checkKernelFits,
  findSingularDiagonal,
  singularBlockError,
  type RowBlock,
  type RowBlockData,
} from './wasmKernel.js';
import type { WorkerApi, WorkerSetup } from './wasmWorker.js';

/** A set of kernel workers. */
export interface WasmPool {
  /** Worker threads. */
  readonly threads: number;
  /** Loads a system into the workers (one row block each) and returns its PCG engine. */
  load(matrix: BlockSparseMatrix, rhs: Float64Array, precision: 'f64' | 'f32'): Promise<PcgEngine>;
  /** Ends the workers. */
  dispose(): Promise<void>;
}

/**
 * Splits block rows into `parts` contiguous ranges with about equal numbers of stored blocks.
 * Every range holds at least one row when there are enough rows.
 */
export function splitRows(rowOffsets: Uint32Array, parts: number): RowBlock[] {
  const rows = rowOffsets.length - 1;
  const total = rowOffsets[rows];
  const blocks: RowBlock[] = [];
  let begin = 0;
  for (let part = 1; part <= parts; part++) {
    const target = (total * part) / parts;
    let end = begin;
    while (end < rows && rowOffsets[end] < target) end++;
    end = part === parts ? rows : Math.max(end, Math.min(begin + 1, rows));
    blocks.push({ rowBegin: begin, rowEnd: end });
    begin = end;
  }
  return blocks;
}

/**
 * Starts one kernel worker. From the compiled tree the worker is `wasmWorker.js`; from the
 * sources (tests, tsx) it is TypeScript, imported through tsx's `tsImport` inside the worker.
 */
function startWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./wasmWorker.js', here));

  const tsxPackage = createRequire(here).resolve('tsx/package.json');
  const api = pathToFileURL(join(dirname(tsxPackage), 'dist/esm/api/index.mjs')).href;
  const worker = new URL('./wasmWorker.ts', here).href;
  const boot =
    `import(${JSON.stringify(api)})` +
    `.then((tsx) => tsx.tsImport(${JSON.stringify(worker)}, ${JSON.stringify(here)}))`;
  return new Worker(boot, { eval: true });
}

function setupFor(
  matrix: BlockSparseMatrix,
  rhs: Float64Array,
  rows: RowBlock,
  shared: Pick<WorkerSetup, 'sharedP' | 'sharedSums' | 'sharedBarrier'>,
): { block: RowBlockData & { rhs: Float64Array } } & typeof shared {
  const { rowOffsets, colIndices, blockRowCount } = matrix.pattern;
  const first = rowOffsets[rows.rowBegin];
  const last = rowOffsets[rows.rowEnd];
  const block = {
    globalRows: blockRowCount,
    rowBegin: rows.rowBegin,
    rowOffsets: rowOffsets.slice(rows.rowBegin, rows.rowEnd + 1),
    colIndices: colIndices.slice(first, last),
    values: matrix.values.slice(9 * first, 9 * last),
    rhs: rhs.slice(3 * rows.rowBegin, 3 * rows.rowEnd),
  };
  return { block, ...shared };
}

/** Starts `threads` kernel workers. */
export async function createWasmPool(threads: number): Promise<WasmPool> {
  const workers = Array.from({ length: threads }, startWorker);
  const apis: Remote<WorkerApi>[] = workers.map((w) => wrap<WorkerApi>(nodeEndpoint(w)));

  // A worker that dies fails every call at once (its peers may be blocked on the barrier).
  let disposing = false;
  let lost: Error | undefined;
  const died = new Promise<never>((_, reject) => {
    workers.forEach((w, index) => {
      const fail = (why: string) => {
        lost ??= new Error(`wasm worker ${index} ${why}`);
        reject(lost);
      };
      w.on('error', (error: Error) => fail(`failed: ${error.message}`));
      w.on('exit', (code: number) => {
        if (!disposing) fail(`exited with code ${code}`);
      });
    });
  });
  died.catch(() => {});

  // Idle workers do not keep the process alive; a call in flight does.
  workers.forEach((w) => w.unref());
  async function all<T>(call: (api: Remote<WorkerApi>, index: number) => Promise<T>) {
    if (lost) throw lost;
    workers.forEach((w) => w.ref());
    try {
      return await Promise.race([Promise.all(apis.map(call)), died]);
    } finally {
      workers.forEach((w) => w.unref());
    }
  }

  async function load(matrix: BlockSparseMatrix, rhs: Float64Array, precision: 'f64' | 'f32') {
    const n = 3 * matrix.pattern.blockRowCount;
    const shared = {
      sharedP: new SharedArrayBuffer(8 * n),
      sharedSums: new SharedArrayBuffer(8 * 4 * threads),
      sharedBarrier: new SharedArrayBuffer(barrierBytes),
    };
    const ranges = splitRows(matrix.pattern.rowOffsets, threads);
    // Refuse here what a worker would refuse (its errors would lose their class in transit).
    for (const { rowBegin, rowEnd } of ranges) {
      const blocks = matrix.pattern.rowOffsets[rowEnd] - matrix.pattern.rowOffsets[rowBegin];
      checkKernelFits(matrix.pattern.blockRowCount, rowEnd - rowBegin, blocks, precision);
    }
    const singular = findSingularDiagonal(matrix);
    if (singular >= 0) throw singularBlockError(singular);
    await all((api, index) => {
      const part = setupFor(matrix, rhs, ranges[index], shared);
      const setup: WorkerSetup = { ...part, index, workers: threads, matrixPrecision: precision };
      const { rowOffsets, colIndices, values, rhs: localRhs } = part.block;
      const buffers = [rowOffsets.buffer, colIndices.buffer, values.buffer, localRhs.buffer];
      return api.load(transfer(setup, buffers));
    });

    const engine: PcgEngine = {
      start: async () => (await all((api) => api.start()))[0],
      run: async (max, tol, stall) => (await all((api) => api.run(max, tol, stall)))[0],
      trueResidual: async () => (await all((api) => api.trueResidual()))[0],
      restart: async () => void (await all((api) => api.restart())),
      solution: async () => {
        const parts = await all((api) => api.solution());
        const x = new Float64Array(n);
        parts.forEach((part, index) => x.set(part, 3 * ranges[index].rowBegin));
        return x;
      },
    };
    return engine;
  }

  return {
    threads,
    load,
    async dispose() {
      if (!lost) await all((api) => api.unload());
      disposing = true;
      apis.forEach((api) => api[releaseProxy]());
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
