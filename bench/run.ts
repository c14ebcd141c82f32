/**
 * `npm run bench [-- --quick] [-- --out DIR]`: the benchmark suite. Measures the bandwidth
 * probes of every device, builds the problems (synthetic size series, real samples), runs every
 * backend on every problem in its own child process (bench/runChild.ts), and writes
 * <date>-<machine>.json, .md and .svg to bench/results/ (or DIR). See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, hostname, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { projectPath } from '../core/paths.js';
import { float32Storage, float64Storage, type BackendSpec } from './backends.js';
import { benchConfig, problemKey, type BenchConfig, type ProblemRef } from './config.js';
import { RunPlanner } from './planner.js';
import { measureSyntheticMeshing, type MeshingRate } from './meshingRates.js';
import { buildNativeKernel } from './nativeKernel.js';
import { realSamples, realSystem, syntheticSystem } from './problems.js';
import { gpuDeviceLabel } from './probes/gpuCopy.js';
import { cpuName, runJsCopyProbes } from './probes/jsCopy.js';
import { runNativeCopyProbe } from './probes/nativeCopy.js';
import type { ProbeResult } from './probes/probe.js';
import { runWasmCopyProbe } from './probes/wasmCopy.js';
import { writeReports } from './report.js';
import { trafficModelText, type BenchResults } from './results.js';
import type { ChildJob } from './runChild.js';
import { deriveRecord, type RunMeasurement, type RunRecord, type SkippedRun } from './runRecord.js';
import { writeSystem, type BenchSystem, type SystemInfo } from './system.js';

const childScript = fileURLToPath(new URL('./runChild.ts', import.meta.url));

function note(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

function firstLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop() ?? '';
}

/** Runs a child job; returns its parsed result or the reason it failed. */
function runChild<T>(
  job: ChildJob,
  timeoutS: number,
): { ok: true; value: T } | { ok: false; reason: string } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', childScript, JSON.stringify(job)], {
    encoding: 'utf8',
    timeout: timeoutS * 1000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.error && /ETIMEDOUT/.test(String(child.error))) {
    return { ok: false, reason: `timed out after ${timeoutS} s` };
  }
  if (child.status !== 0) {
    const why = child.signal ? `killed by ${child.signal}` : `exit ${child.status}`;
    return { ok: false, reason: `${why}: ${firstLine(child.stderr ?? '')}`.slice(0, 300) };
  }
  return { ok: true, value: JSON.parse(readFileSync(job.resultPath, 'utf8')) as T };
}

/**
 * The CPU backends that can run here, fastest first (native, wasm on all threads, wasm on one,
 * TypeScript), with the reasons for those that cannot.
 */
function cpuBackends(config: BenchConfig, skipped: string[]): BackendSpec[] {
  const device = cpuName();
  const threads = availableParallelism();
  const common = { device, precision: float64Storage, maxUnknowns: Infinity, capReason: '' };
  const specs: BackendSpec[] = [];

  try {
    buildNativeKernel();
    specs.push({ ...common, id: 'native', kind: 'native', threads: 1, probeId: 'native-copy-1t' });
  } catch (error) {
    skipped.push(`native: ${firstLine(error instanceof Error ? error.message : String(error))}`);
  }
  if (existsSync(projectPath('wasm', 'pkg', 'vph_kernel.wasm'))) {
    if (threads > 1) {
      const id = `wasm-${threads}t`;
      specs.push({ ...common, id, kind: 'wasm', threads, probeId: `wasm-copy-${threads}t` });
    }
    specs.push({ ...common, id: 'wasm-1t', kind: 'wasm', threads: 1, probeId: 'wasm-copy-1t' });
  } else {
    skipped.push('wasm: wasm/pkg/vph_kernel.wasm not built (npm run build:wasm)');
  }
  specs.push({ ...common, id: 'js', kind: 'js', threads: 1, probeId: 'js-copy' });

  if (config.onlyBackends) return specs.filter((s) => config.onlyBackends?.includes(s.kind));
  return specs;
}

/** GPU adapters with their probes (one child), as backends. */
function gpuBackends(
  config: BenchConfig,
  work: string,
  probes: ProbeResult[],
  skipped: string[],
): BackendSpec[] {
  if (config.onlyBackends && !config.onlyBackends.includes('gpu')) return [];
  const found = runChild<{ adapterName: string; isSoftware: boolean; probe: ProbeResult }[]>(
    {
      mode: 'gpu-probe',
      arrayBytes: config.gpuProbeBytes,
      copiesPerSubmit: 4,
      repeats: config.probeRepeats,
      resultPath: join(work, 'gpu-probe.json'),
    },
    config.childTimeoutS,
  );
  if (!found.ok) {
    skipped.push(`gpu: no WebGPU adapter could be probed (${found.reason})`);
    return [];
  }
  return found.value.map((adapter, index) => {
    probes.push(adapter.probe);
    return {
      id: `gpu-${index}${adapter.isSoftware ? '-sw' : ''}`,
      kind: 'gpu',
      threads: 1,
      device: gpuDeviceLabel(adapter.adapterName, adapter.isSoftware),
      probeId: adapter.probe.id,
      precision: float32Storage,
      maxUnknowns: adapter.isSoftware ? config.softwareGpuMaxUnknowns : Infinity,
      capReason: 'software adapter (CPU-emulated, about 15x slower than native): size capped',
    };
  });
}

/** CPU probes, run in this process. */
async function cpuProbes(config: BenchConfig): Promise<ProbeResult[]> {
  const threads = availableParallelism();
  const probes = runJsCopyProbes(config.probeBytes, config.benchmarkMaxTimeS);
  probes.push(await runWasmCopyProbe(config.probeBytes, 1, config.probeRepeats));
  if (threads > 1)
    probes.push(await runWasmCopyProbe(config.probeBytes, threads, config.probeRepeats));
  try {
    probes.push(runNativeCopyProbe(config.probeBytes, 1, config.probeRepeats));
    if (threads > 1)
      probes.push(runNativeCopyProbe(config.probeBytes, threads, config.probeRepeats));
  } catch (error) {
    note(`native copy probe failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return probes;
}

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
        `${record.gigabytesPerSecond.toFixed(2)} GB/s (${record.bandwidthRatio.toFixed(2)} of probe)`,
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
        const reason = firstLine(error instanceof Error ? error.message : String(error));
        context.skipped.push({ problemId: problemKey(problem), backendId: '*', reason });
        note(`${problemKey(problem)}: not built (${reason})`);
      }
    }
    for (const h of config.meshingEdgeLengthsMm) {
      try {
        meshing.push(await measureSyntheticMeshing(h));
      } catch (error) {
        note(`meshing rate at h ${h}: ${error instanceof Error ? error.message : String(error)}`);
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
