/**
 * The child process of the benchmark: runs one job and writes its JSON result to the file the
 * parent names. One process per run isolates the peak memory figure, and a backend that
 * crashes or hangs costs only its own row.
 *
 * Usage: node --import tsx bench/runChild.ts '<ChildJob as JSON>'
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import {
  createBackendSolver,
  createMatVecKernel,
  type BackendSpec,
  type MatVecKernel,
} from './backends.js';
import { buildNativeKernel, runNativeKernel, writeNativeSystem } from './nativeKernel.js';
import { benchmarkSeconds } from './probes/jsCopy.js';
import type { RunMeasurement } from './runRecord.js';
import { readSystem } from './system.js';

/** A solve run: one backend on one cached system. */
export interface SolveJob {
  readonly mode: 'solve';
  /** Folder written by writeSystem. */
  readonly systemDir: string;
  readonly spec: BackendSpec;
  /** Whole solves to time (the best counts). */
  readonly repeats: number;
  /** Time budget of the mat-vec benchmark, seconds. */
  readonly matVecMaxTimeS: number;
  /** Certified relative residual to reach. */
  readonly tolerance: number;
  readonly resultPath: string;
}

/** The WebGPU adapters (with their copy probes): one job per benchmark. */
export interface GpuProbeJob {
  readonly mode: 'gpu-probe';
  readonly arrayBytes: number;
  readonly copiesPerSubmit: number;
  readonly repeats: number;
  readonly resultPath: string;
}

/** What a child can be asked to do. */
export type ChildJob = SolveJob | GpuProbeJob;

const mib = 1024 * 1024;
let peakHeapUsed = 0;

function sampleHeap(): void {
  peakHeapUsed = Math.max(peakHeapUsed, getHeapStatistics().used_heap_size);
}

/**
 * Milliseconds per iteration between the first and the last progress report (iteration,
 * time), or Infinity with fewer than two reports at distinct iterations.
 */
function progressSlope(progress: readonly [number, number][]): number {
  if (progress.length < 2) return Infinity;
  const [i0, t0] = progress[0];
  const [i1, t1] = progress[progress.length - 1];
  return i1 > i0 ? (t1 - t0) / (i1 - i0) : Infinity;
}

/** Times the whole solves of a LinearSolver backend, and its mat-vec when it has one. */
async function runSolve(job: SolveJob): Promise<RunMeasurement> {
  if (job.spec.kind === 'native') return runNative(job);
  const system = readSystem(job.systemDir);
  sampleHeap();

  let start = performance.now();
  const solver = await createBackendSolver(job.spec);
  const setupMs = performance.now() - start;
  const times: number[] = [];
  let steady = Infinity;
  let last = null;
  try {
    for (let r = 0; r < job.repeats; r++) {
      const progress: [number, number][] = [];
      const options = {
        relativeTolerance: job.tolerance,
        maxIterations: 20000,
        onProgress: (iteration: number) => progress.push([iteration, performance.now()]),
      };
      start = performance.now();
      last = await solver.solve(system.matrix, system.rhs, options);
      times.push(performance.now() - start);
      steady = Math.min(steady, progressSlope(progress));
      sampleHeap();
    }
  } finally {
    await solver.dispose();
  }
  if (last === null) throw new Error('no solve was run (repeats < 1)');

  let matVecMs: number | null = null;
  const kernel: MatVecKernel | null = await createMatVecKernel(job.spec, system.matrix, system.rhs);
  if (kernel !== null) {
    try {
      matVecMs = 1e3 * benchmarkSeconds('mat-vec', kernel.run, job.matVecMaxTimeS);
    } finally {
      kernel.dispose();
    }
  }
  sampleHeap();

  return {
    backendName: last.backend,
    iterations: last.iterations,
    relativeResidual: last.relativeResidual,
    timeToSolutionMs: Math.min(...times),
    solveTimesMs: times,
    steadyTimePerIterationMs: Number.isFinite(steady) ? steady : null,
    setupMs,
    matVecMs,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    peakHeapUsedMiB: peakHeapUsed / mib,
  };
}

/** The native program on a system file; its own peak memory is reported. */
function runNative(job: SolveJob): RunMeasurement {
  const system = readSystem(job.systemDir);
  const systemPath = join(job.systemDir, 'system.vphk');
  const start = performance.now();
  buildNativeKernel();
  writeNativeSystem(systemPath, system.matrix, system.rhs);
  const setupMs = performance.now() - start;

  const runs = [];
  for (let r = 0; r < job.repeats; r++) runs.push(runNativeKernel(systemPath, job.tolerance));
  const best = runs.reduce((a, b) => (b.solveMs < a.solveMs ? b : a));
  if (!(best.relativeResidual <= job.tolerance)) {
    throw new Error(`native kernel residual ${best.relativeResidual} misses ${job.tolerance}`);
  }
  sampleHeap();

  return {
    backendName: 'native',
    iterations: best.iterations,
    relativeResidual: best.relativeResidual,
    timeToSolutionMs: best.solveMs,
    solveTimesMs: runs.map((run) => run.solveMs),
    steadyTimePerIterationMs: best.solveMs / best.iterations,
    setupMs,
    matVecMs: best.matvecMs,
    peakRssMiB: Math.max(...runs.map((run) => run.peakRssMiB)),
    peakHeapUsedMiB: peakHeapUsed / mib,
  };
}

/** Finds the WebGPU adapters and runs the copy probe on each. */
async function runGpuProbe(job: GpuProbeJob) {
  const { GpuContext } = await import('../solver/gpu/gpuContext.js');
  const { runGpuCopyProbe } = await import('./probes/gpuCopy.js');
  const seen = new Set<string>();
  const results = [];
  for (const preferHardware of [true, false]) {
    const context = await GpuContext.open({ preferHardware });
    try {
      if (seen.has(context.adapterName)) continue;
      seen.add(context.adapterName);
      const probe = await runGpuCopyProbe(
        `gpu-copy-${results.length}`,
        context,
        job.arrayBytes,
        job.copiesPerSubmit,
        job.repeats,
      );
      results.push({ adapterName: context.adapterName, isSoftware: context.isSoftware, probe });
    } finally {
      context.dispose();
    }
  }
  return results;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as ChildJob;
  const timer = setInterval(sampleHeap, 50);
  try {
    const result = job.mode === 'solve' ? await runSolve(job) : await runGpuProbe(job);
    writeFileSync(job.resultPath, JSON.stringify(result));
  } finally {
    clearInterval(timer);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message.split('\n')[0]}\n`);
    process.exit(2);
  },
);
