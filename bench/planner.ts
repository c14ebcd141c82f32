/**
 * Keeps the full benchmark inside its time budget: before each run it predicts the run's
 * duration from what was already measured and skips, with the reason, a run that would take
 * longer than one run may or than the time left.
 *
 * Prediction: time = repeats * iterations * bytes per iteration (traffic model) / the
 * backend's GB/s on its previous (smaller) problem. The iteration count is the largest already
 * seen on this problem, else the previous problem's scaled by (N / N_prev)^(1/3) (block-Jacobi
 * CG on a quasi-uniform 3-D mesh needs iterations growing like 1/h, i.e. like N^(1/3)).
 * A backend's first run is never skipped for time (its child process still has a timeout), and
 * a problem's first run (the fastest backend) may take longer than the others, so that every
 * problem gets at least one solve.
 */
import type { BackendSpec } from './backends.js';
import type { RunRecord } from './runRecord.js';
import type { SystemInfo } from './system.js';
import { pcgIterationBytes } from './trafficModel.js';

/** Limits the planner enforces, in seconds. */
export interface PlannerLimits {
  /** Longest predicted run that is started when the problem already has a run. */
  readonly maxRunS: number;
  /** Longest predicted run that is started as a problem's first (its fastest backend). */
  readonly maxFirstRunS: number;
  /** Wall time of the whole benchmark after which no run is started. */
  readonly totalBudgetS: number;
}

/** Decides which runs fit the budget. */
export class RunPlanner {
  private readonly limits: PlannerLimits;
  private readonly startMs: number;
  private readonly speed = new Map<string, number>();
  private readonly iterations = new Map<string, number>();
  private previous: { unknowns: number; iterations: number } | null = null;

  constructor(limits: PlannerLimits, startMs: number = performance.now()) {
    this.limits = limits;
    this.startMs = startMs;
  }

  /** Predicted seconds of `spec` on `system` with `repeats` solves, or null when unknown. */
  predictSeconds(spec: BackendSpec, system: SystemInfo, repeats: number): number | null {
    const gbs = this.speed.get(spec.id);
    const iterations = this.expectedIterations(system);
    if (gbs === undefined || iterations === null) return null;
    const bytes = pcgIterationBytes(system, spec.precision);
    return (repeats * iterations * bytes) / (gbs * 1e9);
  }

  /** Null when the run may start, else the reason it is skipped. */
  skipReason(spec: BackendSpec, system: SystemInfo, repeats: number): string | null {
    const predicted = this.predictSeconds(spec, system, repeats);
    const elapsedS = (performance.now() - this.startMs) / 1e3;
    if (elapsedS >= this.limits.totalBudgetS) {
      return `benchmark time budget of ${this.limits.totalBudgetS} s used up`;
    }
    if (predicted === null) return null;
    const first = !this.iterations.has(system.id);
    const limit = first ? this.limits.maxFirstRunS : this.limits.maxRunS;
    if (predicted > limit) {
      return `predicted ${predicted.toFixed(0)} s > ${limit} s per run`;
    }
    if (elapsedS + predicted > this.limits.totalBudgetS) {
      const budget = this.limits.totalBudgetS;
      return `predicted ${predicted.toFixed(0)} s would overrun the ${budget} s budget`;
    }
    return null;
  }

  /** Learns from a finished run. */
  record(run: RunRecord): void {
    this.speed.set(run.backendId, run.gigabytesPerSecond);
    const seen = this.iterations.get(run.problemId) ?? 0;
    this.iterations.set(run.problemId, Math.max(seen, run.iterations));
    this.previous = { unknowns: run.unknowns, iterations: Math.max(seen, run.iterations) };
  }

  private expectedIterations(system: SystemInfo): number | null {
    const seen = this.iterations.get(system.id);
    if (seen !== undefined) return seen;
    if (this.previous === null) return null;
    return this.previous.iterations * Math.cbrt(system.unknowns / this.previous.unknowns);
  }
}
