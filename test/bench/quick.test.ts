/**
 * `npm run bench -- --quick` end to end on a temporary output folder: the three files exist,
 * the JSON carries every field, every number is finite and positive, and each derived figure
 * (bytes per unknown, GB/s, ratio, throughput, probe GB/s) equals what the test recomputes from
 * the JSON's own measured fields with the traffic model written out here by hand. Nothing
 * about speed is asserted.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Json = Record<string, unknown>;

const runFields = [
  'problemId',
  'backendId',
  'backendName',
  'device',
  'probeId',
  'unknowns',
  'blocks',
  'matrixValueBytes',
  'vectorValueBytes',
  'tolerance',
  'iterations',
  'relativeResidual',
  'timeToSolutionMs',
  'solveTimesMs',
  'setupMs',
  'timePerIterationMs',
  'bytesPerUnknownPerIteration',
  'gigabytesPerSecond',
  'probeGigabytesPerSecond',
  'bandwidthRatio',
  'unknownIterationsPerSecond',
  'steadyTimePerIterationMs',
  'steadyGigabytesPerSecond',
  'steadyBandwidthRatio',
  'peakRssMiB',
  'peakHeapUsedMiB',
  'matVecMs',
  'matVecBytes',
  'matVecGigabytesPerSecond',
  'matVecBandwidthRatio',
];
const nullableRunFields = new Set([
  'steadyTimePerIterationMs',
  'steadyGigabytesPerSecond',
  'steadyBandwidthRatio',
  'matVecMs',
  'matVecBytes',
  'matVecGigabytesPerSecond',
  'matVecBandwidthRatio',
]);
const probeFields = [
  'id',
  'device',
  'method',
  'arrayBytes',
  'bytesPerCopy',
  'timePerCopyMs',
  'gigabytesPerSecond',
  'threads',
];
const problemFields = [
  'id',
  'label',
  'kind',
  'edgeLengthMm',
  'nodes',
  'elements',
  'unknowns',
  'blocks',
  'modelMs',
  'assembleMs',
];
const meshingFields = [
  'problemId',
  'edgeLengthMm',
  'nodes',
  'elements',
  'meshingMs',
  'meshingElementsPerSecond',
  'mappingMs',
  'mappingElementsPerSecond',
];

/** Bytes of one block-Jacobi PCG iteration, counted by hand (see bench/trafficModel.ts). */
function iterationBytes(run: Json): number {
  const n = run.unknowns as number;
  const blocks = run.blocks as number;
  const sm = run.matrixValueBytes as number;
  const sv = run.vectorValueBytes as number;
  const matrix = blocks * 9 * sm + blocks * 4 + (n / 3 + 1) * 4;
  const vectors = (2 + 2 + 6 + 5 + 2 + 3) * n * sv;
  return matrix + vectors;
}

function expectPositive(value: unknown, what: string): void {
  expect(typeof value, what).toBe('number');
  expect(Number.isFinite(value as number), what).toBe(true);
  expect(value as number, what).toBeGreaterThan(0);
}

function expectFields(object: Json, fields: string[], what: string): void {
  for (const field of fields) expect(object, `${what}.${field}`).toHaveProperty(field);
}

describe('npm run bench -- --quick', () => {
  let dir: string;
  let results: Json;
  let files: string[];
  let output: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vph-bench-test-'));
    const run = spawnSync('npm', ['run', 'bench', '--', '--quick', '--out', dir], {
      encoding: 'utf8',
      timeout: 110_000,
    });
    output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).toBe(0);
    files = readdirSync(dir);
    const json = files.find((f) => f.endsWith('.json'));
    if (json === undefined) throw new Error(`no JSON written: ${files.join(', ')}`);
    results = JSON.parse(readFileSync(join(dir, json), 'utf8')) as Json;
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the JSON, the markdown summary and the SVG plot', () => {
    const stem = files.find((f) => f.endsWith('.json'))?.replace(/\.json$/, '');
    expect(stem).toMatch(/^\d{4}-\d{2}-\d{2}-.+-quick$/);
    expect(files.sort()).toEqual([`${stem}.json`, `${stem}.md`, `${stem}.svg`]);

    const svg = readFileSync(join(dir, `${stem}.svg`), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    const md = readFileSync(join(dir, `${stem}.md`), 'utf8');
    expect(md).toContain('## Bandwidth probes');
    expect(md).toContain(`![time per iteration against unknowns](${stem}.svg)`);
    for (const run of results.runs as Json[]) {
      expect(svg).toContain(`>${run.backendId as string}</text>`);
      expect(md).toContain(`| ${run.problemId as string} | ${run.backendId as string} |`);
    }
  });

  it('records every field, with finite positive numbers', () => {
    expectFields(
      results,
      ['schema', 'startedAt', 'mode', 'machine', 'tolerance', 'trafficModel'],
      'results',
    );
    expect(results.schema).toBe('metastra-vph/bench@1');
    expect(results.mode).toBe('quick');
    expectPositive(results.totalTimeS, 'totalTimeS');

    const runs = results.runs as Json[];
    const backends = new Set(runs.map((r) => r.backendId));
    expect(backends.has('js')).toBe(true);
    for (const run of runs) {
      expectFields(run, runFields, 'run');
      for (const field of runFields) {
        const value = run[field];
        if (typeof value === 'string') continue;
        if (nullableRunFields.has(field) && value === null) continue;
        if (Array.isArray(value)) value.forEach((v) => expectPositive(v, `run.${field}`));
        else expectPositive(value, `${run.backendId as string}.${field}`);
      }
      expect(run.relativeResidual as number).toBeLessThanOrEqual(run.tolerance as number);
    }
    for (const probe of results.probes as Json[]) {
      expectFields(probe, probeFields, 'probe');
      for (const f of ['arrayBytes', 'bytesPerCopy', 'timePerCopyMs', 'gigabytesPerSecond']) {
        expectPositive(probe[f], `probe.${f}`);
      }
    }
    for (const problem of results.problems as Json[]) {
      expectFields(problem, problemFields, 'problem');
      for (const f of problemFields.slice(3)) expectPositive(problem[f], `problem.${f}`);
    }
    for (const rate of results.meshing as Json[]) {
      expectFields(rate, meshingFields, 'meshing');
      expectPositive(rate.meshingElementsPerSecond, 'meshingElementsPerSecond');
    }
  });

  it('derives GB/s, ratios and throughput from its own fields', () => {
    const probes = results.probes as Json[];
    for (const probe of probes) {
      const gbs =
        (2 * (probe.arrayBytes as number)) / ((probe.timePerCopyMs as number) / 1e3) / 1e9;
      expect(probe.gigabytesPerSecond as number).toBeCloseTo(gbs, 9);
    }

    for (const run of results.runs as Json[]) {
      const n = run.unknowns as number;
      const iterations = run.iterations as number;
      const solveMs = run.timeToSolutionMs as number;
      const perIterationMs = solveMs / iterations;
      const bytesPerUnknown = iterationBytes(run) / n;
      const gbs = (bytesPerUnknown * n) / (perIterationMs / 1e3) / 1e9;
      const probe = probes.find((p) => p.id === run.probeId);
      if (probe === undefined) throw new Error(`run ${run.backendId as string}: no probe`);

      expect(run.timePerIterationMs as number).toBeCloseTo(perIterationMs, 9);
      expect(run.bytesPerUnknownPerIteration as number).toBeCloseTo(bytesPerUnknown, 6);
      expect((run.gigabytesPerSecond as number) / gbs).toBeCloseTo(1, 12);
      expect(run.probeGigabytesPerSecond).toBe(probe.gigabytesPerSecond);
      expect(
        (run.bandwidthRatio as number) / (gbs / (probe.gigabytesPerSecond as number)),
      ).toBeCloseTo(1, 12);
      expect(
        (run.unknownIterationsPerSecond as number) / ((n * iterations) / (solveMs / 1e3)),
      ).toBeCloseTo(1, 12);
      expect(Math.min(...(run.solveTimesMs as number[]))).toBe(solveMs);
      if (run.steadyTimePerIterationMs !== null) {
        const steadyGbs =
          iterationBytes(run) / ((run.steadyTimePerIterationMs as number) / 1e3) / 1e9;
        expect((run.steadyGigabytesPerSecond as number) / steadyGbs).toBeCloseTo(1, 12);
      }
      if (run.matVecMs !== null) {
        const matVec = (run.blocks as number) * 76 + (n / 3 + 1) * 4 + 2 * n * 8;
        expect(run.matrixValueBytes).toBe(8);
        expect(run.matVecBytes).toBe(matVec);
        const mvGbs = matVec / ((run.matVecMs as number) / 1e3) / 1e9;
        expect((run.matVecGigabytesPerSecond as number) / mvGbs).toBeCloseTo(1, 12);
      }
    }
  });

  it('runs every backend it finds on one system, to the same iteration count on the CPU', () => {
    const runs = results.runs as Json[];
    const cpu = runs.filter((r) => r.matrixValueBytes === 8);
    expect(new Set(runs.map((r) => r.problemId)).size).toBe(1);
    const counts = cpu.map((r) => r.iterations as number);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    const problem = (results.problems as Json[])[0];
    for (const run of runs) {
      expect(run.unknowns).toBe(problem.unknowns);
      expect(run.blocks).toBe(problem.blocks);
    }
  });
});
