/**
 * Worker thread of the multi-threaded WebAssembly backend. Each worker owns one row block in
 * its own kernel instance (WebAssembly threads would need a standard library built with
 * atomics; separate instances do not). The workers run the same PCG recurrence in lockstep:
 * the search direction p lives in a SharedArrayBuffer (each worker publishes its rows and
 * copies in the columns it reads), local dot products are summed in worker order from a shared
 * array after an Atomics barrier, so every worker takes the same decisions.
 *
 * Per iteration: copy p in, q = A p (barrier, p.q), update x, r, z (barrier, r.r and r.z),
 * p = z + beta p, publish p (barrier). Loaded by solver/wasmPool.ts through comlink.
 */
import { expose, transfer } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort } from 'node:worker_threads';
import { DIVERGENCE_BOUND, SharedBarrier } from './wasmBarrier.js';
import { PcgStatus, Slot, WasmKernel, type RowBlockData } from './wasmKernel.js';
import type { ChunkResult } from './wasmDriver.js';

/** What a worker receives to load its row block. */
export interface WorkerSetup {
  /** This worker's index (0-based) and the number of workers. */
  readonly index: number;
  readonly workers: number;
  /** The row block's arrays. */
  readonly block: RowBlockData;
  /** Matrix storage in the iteration. */
  readonly matrixPrecision: 'f64' | 'f32';
  /** Shared search direction, 3 float64 per global block row. */
  readonly sharedP: SharedArrayBuffer;
  /** Shared partial sums, 4 float64 per worker. */
  readonly sharedSums: SharedArrayBuffer;
  /** Shared barrier state (see SharedBarrier). */
  readonly sharedBarrier: SharedArrayBuffer;
}

/** The operations a worker offers; every worker must be called for each, together. */
export interface WorkerApi {
  load(setup: WorkerSetup): void;
  start(): number;
  run(maxIterations: number, relativeTolerance: number, stallWindow: number): ChunkResult;
  trueResidual(): number;
  restart(): void;
  solution(): Float64Array;
  unload(): void;
}

interface Loaded {
  setup: WorkerSetup;
  kernel: WasmKernel;
  p: Float64Array;
  sums: Float64Array;
  barrier: SharedBarrier;
  /** Columns read by this block: p entries [readBegin, readEnd). */
  readBegin: number;
  readEnd: number;
  bb: number;
  rz: number;
  best: number;
  bestAt: number;
  iteration: number;
}

let state: Loaded | undefined;

function loaded(): Loaded {
  if (!state) throw new Error('wasm worker: no row block loaded');
  return state;
}

/**
 * Writes this worker's partial sums into its slots from `first` on, waits for all workers and
 * returns the totals, summed in worker order. Consecutive reductions with only this barrier
 * between them must use different slots (a fast worker may write the next before a slow one
 * has read the last): p.q goes to slot 0, r.r and r.z to slots 1 and 2.
 */
function reduce(s: Loaded, first: number, values: readonly number[]): number[] {
  const base = 4 * s.setup.index + first;
  values.forEach((v, k) => (s.sums[base + k] = v));
  s.barrier.wait();
  const totals = values.map(() => 0);
  for (let w = 0; w < s.setup.workers; w++) {
    for (let k = 0; k < values.length; k++) totals[k] += s.sums[4 * w + first + k];
  }
  return totals;
}

function publish(s: Loaded): void {
  const begin = 3 * s.kernel.rows.rowBegin;
  const end = 3 * s.kernel.rows.rowEnd;
  s.p.set(s.kernel.p.subarray(begin, end), begin);
  s.barrier.wait();
}

function pull(s: Loaded): void {
  s.kernel.p.set(s.p.subarray(s.readBegin, s.readEnd), s.readBegin);
}

const api: WorkerApi = {
  load(setup) {
    const kernel = WasmKernel.createRowBlock(setup.block, setup.matrixPrecision);
    let low = kernel.rows.rowBegin;
    let high = kernel.rows.rowEnd - 1;
    for (const c of setup.block.colIndices) {
      if (c < low) low = c;
      if (c > high) high = c;
    }
    state = {
      setup,
      kernel,
      p: new Float64Array(setup.sharedP),
      sums: new Float64Array(setup.sharedSums),
      barrier: new SharedBarrier(setup.sharedBarrier, setup.workers),
      readBegin: 3 * low,
      readEnd: 3 * (high + 1),
      bb: 0,
      rz: 0,
      best: 1,
      bestAt: 0,
      iteration: 0,
    };
  },

  start() {
    const s = loaded();
    s.kernel.phaseStart();
    const scalars = s.kernel.scalars;
    const [rz, bb] = reduce(s, 2, [scalars[Slot.RZ], scalars[Slot.BB]]);
    publish(s);
    Object.assign(s, { rz, bb, best: 1, bestAt: 0, iteration: 0 });
    return bb;
  },

  run(maxIterations, tolerance, stallWindow) {
    const s = loaded();
    const k = s.kernel;
    let relative = NaN;
    const result = (status: PcgStatus): ChunkResult => ({
      status,
      iterations: s.iteration,
      relativeResidual: relative,
    });

    for (let step = 0; step < maxIterations; step++) {
      pull(s);
      const [pq] = reduce(s, 0, [k.phaseMatvec()]);
      if (Number.isNaN(pq)) return result(PcgStatus.NotANumber);
      if (!(pq > 0)) return result(PcgStatus.Indefinite);

      k.phaseUpdate(s.rz / pq);
      const [rr, rz] = reduce(s, 1, [k.scalars[Slot.RR], k.scalars[Slot.RZ]]);
      s.iteration++;
      relative = Math.sqrt(rr) / Math.sqrt(s.bb);
      if (Number.isNaN(relative)) return result(PcgStatus.NotANumber);
      if (relative > DIVERGENCE_BOUND) return result(PcgStatus.Diverged);
      if (relative < 0.999 * s.best) {
        s.best = relative;
        s.bestAt = s.iteration;
      } else if (s.iteration - s.bestAt > stallWindow) {
        return result(PcgStatus.Stalled);
      }
      if (relative <= tolerance) {
        s.rz = rz;
        return result(PcgStatus.Converged);
      }

      const beta = rz / s.rz;
      s.rz = rz;
      k.phaseDirection(beta);
      publish(s);
    }
    return result(PcgStatus.Running);
  },

  trueResidual() {
    const s = loaded();
    s.kernel.phaseLoadX();
    publish(s);
    pull(s);
    s.kernel.phaseResidual();
    const scalars = s.kernel.scalars;
    const [rr, rz] = reduce(s, 1, [scalars[Slot.RR], scalars[Slot.RZ]]);
    s.rz = rz;
    return Math.sqrt(rr) / Math.sqrt(s.bb);
  },

  restart() {
    const s = loaded();
    s.kernel.phaseDirection(0);
    publish(s);
  },

  solution() {
    const x = loaded().kernel.x.slice();
    return transfer(x, [x.buffer]);
  },

  unload() {
    state?.kernel.dispose();
    state = undefined;
  },
};

if (!parentPort) throw new Error('wasm worker: not started as a worker thread');
expose(api, nodeEndpoint(parentPort));
