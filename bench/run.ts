/**
 * `npm run bench [-- --quick] [--out DIR] [--backends KINDS] [--problems KEYS]`: the benchmark
 * suite. Measures the bandwidth probes of every device, builds the problems (synthetic size
 * series, real samples), runs every backend on every problem in its own child process
 * (bench/runChild.ts), and writes <date>-<machine>.json, .md and .svg to bench/results/ (or
 * DIR). KINDS: comma list of js, wasm, native, gpu; KEYS: comma list such as
 * synthetic-100000,verse004-L2-h1. See bench/README.md.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, hostname, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectPath } from '../core/paths.js';
import type { BackendSpec } from './backends.js';
import { errorLine, note, runChild } from './childProcess.js';
import { benchConfig, problemKey, type BenchConfig, type ProblemRef } from './config.js';
import { cpuBackends, cpuProbes, gpuBackends } from './devices.js';
import { measureSyntheticMeshing, type MeshingRate } from './meshingRates.js';
import { RunPlanner } from './planner.js';
import { realSamples, realSystem, syntheticSystem } from './problems.js';
import type { ProbeResult } from './probes/probe.js';
import { writeReports } from './report.js';
import { trafficModelText, type BenchResults } from './results.js';
import { deriveRecord, type RunMeasurement, type RunRecord, type SkippedRun } from './runRecord.js';
import { writeSystem, type BenchSystem, type SystemInfo } from './system.js';

/** What the runs of one benchmark share. */
interface BenchContext {
  readonly config: BenchConfig;
  /** Scratch folder for cached systems and child results. */
  readonly work: string;
  readonly probes: readonly ProbeResult[];
  readonly specs: readonly BackendSpec[];
  readonly planner: RunPlanner;
  readonly runs: RunRecord[];
  readonly skipped: SkippedRun[];
}

/** Runs every backend on one system; appends runs and skips. */
function runBackends(system: BenchSystem, context: BenchContext): void {
  const { config, probes, planner } = context;
  const info: SystemInfo = system.info;
  const dir = join(context.work, info.id);
  writeSystem(dir, system);

  for (const spec of context.specs) {
    const skip = (reason: string) => {
      context.skipped.push({ problemId: info.id, backendId: spec.id, reason });
      note(`${info.id} ${spec.id}: skipped (${reason})`);
    };
    const probe = probes.find((p) => p.id === spec.probeId);
    if (probe === undefined) {
      skip(`no bandwidth probe '${spec.probeId}' for its device`);
      continue;
    }
    if (info.unknowns > spec.maxUnknowns) {
      skip(`${info.unknowns} unknowns > ${spec.maxUnknowns}: ${spec.capReason}`);
      continue;
    }
    const repeats = config.repeatsFor(info.unknowns);
    const tooLong = planner.skipReason(spec, info, repeats);
    if (tooLong !== null) {
      skip(tooLong);
      continue;
    }

    const result = runChild<RunMeasurement>(
      {
        mode: 'solve',
        systemDir: dir,
        spec,
        repeats,
        matVecMaxTimeS: config.benchmarkMaxTimeS,
        tolerance: config.tolerance,
        resultPath: join(dir, `${spec.id}.json`),
      },
      config.childTimeoutS,
    );
    if (!result.ok) {
      skip(result.reason);
      continue;
    }
    const gbs = probe.gigabytesPerSecond;
    const record = deriveRecord(info, spec, result.value, gbs, config.tolerance);
    context.runs.push(record);
    planner.record(record);
    note(
      `${info.id} ${spec.id}: ${record.iterations} iterations, ` +
        `${record.timePerIterationMs.toFixed(3)} ms/iteration, ` +
        `${record.gigabytesPerSecond.toFixed(2)} GB/s ` +
        `(${record.bandwidthRatio.toFixed(2)} of probe)`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Builds one problem's system (and, for a real sample, its meshing rate). */
async function buildProblem(
  problem: ProblemRef,
): Promise<{ system: BenchSystem; rate: MeshingRate | null }> {
  if (problem.kind === 'synthetic')
    return { system: syntheticSystem(problem.unknowns), rate: null };
  const sample = realSamples.find((s) => s.id === problem.sampleId);
  if (sample === undefined) throw new Error(`no real sample '${problem.sampleId}'`);
  return realSystem(sample, problem.edgeLengthMm);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      backends: { type: 'string' },
      problems: { type: 'string' },
    },
  });
  const config = benchConfig(values.quick ? 'quick' : 'full', values.backends, values.problems);
  const outDir = values.out ?? projectPath('bench', 'results');
  const started = new Date();
  const start = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'vph-bench-'));
  const unavailable: string[] = [];

  try {
    // Devices: probes and backends, fastest first so the planner learns speeds early.
    note(`${config.mode} run; probing bandwidth`);
    const probes = await cpuProbes(config);
    const specs = [
      ...cpuBackends(config, unavailable),
      ...gpuBackends(config, work, probes, unavailable),
    ];
    for (const line of unavailable) note(`backend unavailable: ${line}`);
    note(`backends: ${specs.map((s) => s.id).join(', ')}`);
    const context: BenchContext = {
      config,
      work,
      probes,
      specs,
      planner: new RunPlanner(config, start),
      runs: [],
      skipped: unavailable.map((reason) => ({
        problemId: '*',
        backendId: reason.split(':')[0],
        reason,
      })),
    };

    // Problems, one at a time, every backend on each.
    const problems: SystemInfo[] = [];
    const meshing: MeshingRate[] = [];
    for (const problem of config.problems) {
      try {
        const { system, rate } = await buildProblem(problem);
        problems.push(system.info);
        if (rate !== null) meshing.push(rate);
        note(`${system.info.id}: ${system.info.unknowns} unknowns, ${system.info.blocks} blocks`);
        runBackends(system, context);
      } catch (error) {
        const reason = errorLine(error);
        context.skipped.push({ problemId: problemKey(problem), backendId: '*', reason });
        note(`${problemKey(problem)}: not built (${reason})`);
      }
    }
    for (const h of config.meshingEdgeLengthsMm) {
      try {
        meshing.push(await measureSyntheticMeshing(h));
      } catch (error) {
        note(`meshing rate at h ${h}: ${errorLine(error)}`);
      }
    }
    const { runs, skipped } = context;

    // Results.
    const results: BenchResults = {
      schema: 'metastra-vph/bench@1',
      startedAt: started.toISOString(),
      mode: config.mode,
      machine: {
        hostname: hostname(),
        cpu: cpus()[0]?.model.trim() ?? 'unknown',
        cores: availableParallelism(),
        memoryGiB: totalmem() / 2 ** 30,
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
      },
      tolerance: config.tolerance,
      trafficModel: trafficModelText,
      probes,
      problems,
      runs,
      skipped,
      meshing,
      totalTimeS: (performance.now() - start) / 1e3,
    };
    mkdirSync(outDir, { recursive: true });
    const written = writeReports(results, outDir);
    process.stdout.write(written.table + '\n');
    for (const path of written.paths) note(`wrote ${path}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
