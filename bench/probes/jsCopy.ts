/**
 * The CPU bandwidth probe in JavaScript: one Float64Array copied into another by a plain
 * element loop (what the TypeScript PCG's own loops can reach), timed by the `benchmark`
 * package. The memcpy behind TypedArray.prototype.set is timed too, as a second reference.
 */
import Benchmark from 'benchmark';
import { cpus } from 'node:os';
import { probeResult, type ProbeResult } from './probe.js';

/** The CPU's model name, for labelling probes and runs. */
export function cpuName(): string {
  const model = cpus()[0]?.model ?? 'unknown';
  return `cpu: ${model.trim()} (${cpus().length} cores)`;
}

/** Mean seconds per call of `fn`, measured by the `benchmark` package within `maxTimeS`. */
export function benchmarkSeconds(name: string, fn: () => void, maxTimeS: number): number {
  const bench = new Benchmark(name, fn, { maxTime: maxTimeS, minSamples: 5 });
  bench.run();
  if (bench.error) throw bench.error;
  return bench.stats.mean;
}

/**
 * Runs the two JavaScript copy probes on arrays of `arrayBytes` bytes each (a multiple of 8).
 * Returns the element-loop probe ('js-copy') and the TypedArray.set probe ('js-set').
 */
export function runJsCopyProbes(arrayBytes: number, maxTimeS: number): ProbeResult[] {
  const n = Math.floor(arrayBytes / 8);
  const source = new Float64Array(n);
  for (let i = 0; i < n; i++) source[i] = i;
  const target = new Float64Array(n);
  const device = cpuName();

  const loopS = benchmarkSeconds(
    'js-copy',
    () => {
      for (let i = 0; i < n; i++) target[i] = source[i];
    },
    maxTimeS,
  );
  const setS = benchmarkSeconds('js-set', () => target.set(source), maxTimeS);
  if (target[n - 1] !== n - 1) throw new Error('js copy probe: the copy did not happen');

  return [
    probeResult({
      id: 'js-copy',
      device,
      method: 'Float64Array element loop, mean of benchmark.js samples',
      arrayBytes: 8 * n,
      timePerCopyMs: loopS * 1e3,
      threads: 1,
    }),
    probeResult({
      id: 'js-set',
      device,
      method: 'Float64Array.prototype.set (memcpy), mean of benchmark.js samples',
      arrayBytes: 8 * n,
      timePerCopyMs: setS * 1e3,
      threads: 1,
    }),
  ];
}
