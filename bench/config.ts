/**
 * The two benchmark configurations: 'full' (the size series from 10 thousand to a million
 * unknowns and both real samples at h = 1 and 0.7 mm; about 15 minutes on a 2-core machine)
 * and 'quick' (one small system, every backend, well under a minute; exercised by the tests).
 */
import type { BackendKind } from './backends.js';

/** What one benchmark run covers. */
export interface BenchConfig {
  readonly mode: 'quick' | 'full';
  /** The problems, in the order they run (by size, so the planner learns from small ones). */
  readonly problems: readonly ProblemRef[];
  /** Element sizes for the synthetic meshing and mapping rates, mm. */
  readonly meshingEdgeLengthsMm: readonly number[];
  /** Certified relative residual of every solve. */
  readonly tolerance: number;
  /** Bytes of each array of the CPU copy probes (per thread). */
  readonly probeBytes: number;
  /** Bytes of each array of the GPU copy probe (capped at the storage-binding limit). */
  readonly gpuProbeBytes: number;
  /** Timed rounds of the wasm, native and GPU probes (the best counts). */
  readonly probeRepeats: number;
  /** Time budget of each benchmark.js measurement (JS probe, mat-vec), seconds. */
  readonly benchmarkMaxTimeS: number;
  /** Whole solves timed per run for a system of this size (the best counts). */
  readonly repeatsFor: (unknowns: number) => number;
  /** Largest system given to a software GPU adapter. */
  readonly softwareGpuMaxUnknowns: number;
  /** A child process running longer is stopped and its row reported as timed out, s. */
  readonly childTimeoutS: number;
  /** Longest predicted run that is started, s (see planner.ts). */
  readonly maxRunS: number;
  /** Longest predicted first run of a problem, s. */
  readonly maxFirstRunS: number;
  /** Wall time after which no further run starts, s. */
  readonly totalBudgetS: number;
  /** Only these backend kinds (all when undefined). */
  readonly onlyBackends?: readonly BackendKind[];
}

/**
 * A problem to run: the synthetic vertebra of about `unknowns`, or a real sample at
 * `edgeLengthMm`.
 */
export type ProblemRef =
  | { readonly kind: 'synthetic'; readonly unknowns: number }
  | { readonly kind: 'real'; readonly sampleId: string; readonly edgeLengthMm: number };

const mib = 2 ** 20;

const synthetic = (unknowns: number): ProblemRef => ({ kind: 'synthetic', unknowns });
const real = (sampleId: string, edgeLengthMm: number): ProblemRef => ({
  kind: 'real',
  sampleId,
  edgeLengthMm,
});

/**
 * The configuration of `mode`. `backends` is a comma list of kinds to keep (js,wasm,native,gpu);
 * `problems` a comma list of problem keys to keep (e.g. 'synthetic-1000000,verse004-L2-h1').
 */
export function benchConfig(
  mode: 'quick' | 'full',
  backends?: string,
  problems?: string,
): BenchConfig {
  const onlyBackends = backends?.split(',').map((b) => b.trim() as BackendKind);
  const config = modeConfig(mode, onlyBackends);
  if (problems === undefined) return config;
  const keep = new Set(problems.split(',').map((p) => p.trim()));
  return { ...config, problems: config.problems.filter((p) => keep.has(problemKey(p))) };
}

/** A problem's key: 'synthetic-<unknowns>' or '<sample>-h<edge mm>'. */
export function problemKey(problem: ProblemRef): string {
  return problem.kind === 'synthetic'
    ? `synthetic-${problem.unknowns}`
    : `${problem.sampleId}-h${problem.edgeLengthMm}`;
}

function modeConfig(mode: 'quick' | 'full', onlyBackends?: BackendKind[]): BenchConfig {
  if (mode === 'quick') {
    return {
      mode,
      problems: [synthetic(10_000)],
      meshingEdgeLengthsMm: [2],
      tolerance: 1e-8,
      probeBytes: 32 * mib,
      gpuProbeBytes: 16 * mib,
      probeRepeats: 3,
      benchmarkMaxTimeS: 0.3,
      repeatsFor: () => 2,
      softwareGpuMaxUnknowns: 30_000,
      childTimeoutS: 60,
      maxRunS: 30,
      maxFirstRunS: 30,
      totalBudgetS: 50,
      onlyBackends,
    };
  }
  return {
    mode,
    problems: [
      synthetic(10_000),
      synthetic(30_000),
      synthetic(100_000),
      synthetic(300_000),
      real('verse004-L2', 1),
      real('totalseg-L3', 1),
      synthetic(1_000_000),
      real('verse004-L2', 0.7),
      real('totalseg-L3', 0.7),
    ],
    meshingEdgeLengthsMm: [2, 1, 0.7],
    tolerance: 1e-8,
    probeBytes: 512 * mib,
    gpuProbeBytes: 64 * mib,
    probeRepeats: 5,
    benchmarkMaxTimeS: 1,
    repeatsFor: (unknowns) => (unknowns <= 50_000 ? 3 : unknowns <= 200_000 ? 2 : 1),
    softwareGpuMaxUnknowns: 120_000,
    childTimeoutS: 300,
    maxRunS: 60,
    maxFirstRunS: 240,
    totalBudgetS: 780,
    onlyBackends,
  };
}
