/**
 * One benchmark run (one backend on one system) as it appears in the results JSON: what was
 * measured, and the figures derived from it by the traffic model and the device's probe.
 *
 * Derived figures, all from the record's own fields:
 *   timePerIterationMs          = timeToSolutionMs / iterations
 *   bytesPerUnknownPerIteration = pcgIterationBytes(unknowns, blocks, precision) / unknowns
 *   gigabytesPerSecond          = bytesPerUnknownPerIteration * unknowns
 *                                 / (timePerIterationMs * 1e-3) / 1e9
 *   bandwidthRatio              = gigabytesPerSecond / probeGigabytesPerSecond
 *   unknownIterationsPerSecond  = unknowns * iterations / (timeToSolutionMs * 1e-3)
 *   steadyGigabytesPerSecond    = as gigabytesPerSecond with steadyTimePerIterationMs
 *
 * The whole-solve figures include setup (copying the matrix in, workers, GPU upload) and the
 * float64 certificate; the steady figures do not: they time the iterations between the first
 * and the last progress report of the solve (every 50 iterations on the CPU backends, every
 * readback on the GPU, whose refinement steps on the CPU fall inside). The native program
 * times its solve after setup, so its steady figure is its whole-solve one.
 */
import type { BackendSpec } from './backends.js';
import type { SystemInfo } from './system.js';
import { gigabytesPerSecond, matVecBytes, pcgIterationBytes } from './trafficModel.js';

/** What a child process measures for one run. */
export interface RunMeasurement {
  /** Backend name as the solver reports it (SolveResult.backend). */
  readonly backendName: string;
  /** PCG iterations to the certified tolerance (inner iterations summed for the GPU). */
  readonly iterations: number;
  /** Certified true relative residual |f - K u| / |f|. */
  readonly relativeResidual: number;
  /** Best wall time of one whole solve over the repeats, ms (performance.now around solve). */
  readonly timeToSolutionMs: number;
  /** Every repeat's wall time, ms. */
  readonly solveTimesMs: readonly number[];
  /** Best steady-state time per iteration over the repeats, ms; null without progress reports. */
  readonly steadyTimePerIterationMs: number | null;
  /** Time to create the backend (module load, workers, device), ms. */
  readonly setupMs: number;
  /** Mean time of one mat-vec alone in ms, or null when the backend does not expose it. */
  readonly matVecMs: number | null;
  /** Peak resident set size of the process that ran the solve, MiB. */
  readonly peakRssMiB: number;
  /** Largest V8 heap in use seen during the run (sampled), MiB. */
  readonly peakHeapUsedMiB: number;
}

/** A run in the results JSON. */
export interface RunRecord extends RunMeasurement {
  readonly problemId: string;
  readonly backendId: string;
  readonly device: string;
  readonly probeId: string;
  readonly unknowns: number;
  readonly blocks: number;
  /** Bytes per stored matrix value and per vector entry used by the traffic model. */
  readonly matrixValueBytes: number;
  readonly vectorValueBytes: number;
  readonly tolerance: number;
  readonly timePerIterationMs: number;
  readonly bytesPerUnknownPerIteration: number;
  readonly gigabytesPerSecond: number;
  readonly probeGigabytesPerSecond: number;
  readonly bandwidthRatio: number;
  readonly unknownIterationsPerSecond: number;
  /** Steady-state GB/s and its ratio to the probe; null when not measured. */
  readonly steadyGigabytesPerSecond: number | null;
  readonly steadyBandwidthRatio: number | null;
  /** Mat-vec alone: bytes (traffic model), GB/s and ratio to the probe; null when not run. */
  readonly matVecBytes: number | null;
  readonly matVecGigabytesPerSecond: number | null;
  readonly matVecBandwidthRatio: number | null;
}

/** A backend/system pair that was not run, and why. */
export interface SkippedRun {
  readonly problemId: string;
  readonly backendId: string;
  readonly reason: string;
}

/** Completes a measurement into a {@link RunRecord}. */
export function deriveRecord(
  system: SystemInfo,
  spec: BackendSpec,
  measurement: RunMeasurement,
  probeGigabytesPerSecond: number,
  tolerance: number,
): RunRecord {
  const size = { unknowns: system.unknowns, blocks: system.blocks };
  const timePerIterationMs = measurement.timeToSolutionMs / measurement.iterations;
  const bytesPerIteration = pcgIterationBytes(size, spec.precision);
  const gbs = gigabytesPerSecond(bytesPerIteration, timePerIterationMs);
  const steady = measurement.steadyTimePerIterationMs;
  const steadyGbs = steady === null ? null : gigabytesPerSecond(bytesPerIteration, steady);
  const mvBytes = measurement.matVecMs === null ? null : matVecBytes(size, spec.precision);
  const mvGbs =
    mvBytes === null || measurement.matVecMs === null
      ? null
      : gigabytesPerSecond(mvBytes, measurement.matVecMs);

  return {
    ...measurement,
    problemId: system.id,
    backendId: spec.id,
    device: spec.device,
    probeId: spec.probeId,
    unknowns: system.unknowns,
    blocks: system.blocks,
    matrixValueBytes: spec.precision.matrixValueBytes,
    vectorValueBytes: spec.precision.vectorValueBytes,
    tolerance,
    timePerIterationMs,
    bytesPerUnknownPerIteration: bytesPerIteration / system.unknowns,
    gigabytesPerSecond: gbs,
    probeGigabytesPerSecond,
    bandwidthRatio: gbs / probeGigabytesPerSecond,
    unknownIterationsPerSecond:
      (system.unknowns * measurement.iterations) / (measurement.timeToSolutionMs * 1e-3),
    steadyGigabytesPerSecond: steadyGbs,
    steadyBandwidthRatio: steadyGbs === null ? null : steadyGbs / probeGigabytesPerSecond,
    matVecBytes: mvBytes,
    matVecGigabytesPerSecond: mvGbs,
    matVecBandwidthRatio: mvGbs === null ? null : mvGbs / probeGigabytesPerSecond,
  };
}
