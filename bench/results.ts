/**
 * The benchmark's results file (schema 'metastra-vph/bench@1') and its plain-text table.
 */
import type { MeshingRate } from './meshingRates.js';
import type { ProbeResult } from './probes/probe.js';
import type { RunRecord, SkippedRun } from './runRecord.js';
import type { SystemInfo } from './system.js';

/** The machine the benchmark ran on. */
export interface MachineInfo {
  readonly hostname: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
}

/** Everything one `npm run bench` measured. */
export interface BenchResults {
  readonly schema: 'metastra-vph/bench@1';
  /** ISO date and time of the start. */
  readonly startedAt: string;
  readonly mode: 'quick' | 'full';
  readonly machine: MachineInfo;
  /** Certified relative residual every solve reached. */
  readonly tolerance: number;
  /** The traffic model in words (see bench/trafficModel.ts). */
  readonly trafficModel: string;
  readonly probes: readonly ProbeResult[];
  readonly problems: readonly SystemInfo[];
  readonly runs: readonly RunRecord[];
  readonly skipped: readonly SkippedRun[];
  readonly meshing: readonly MeshingRate[];
  /** Wall time of the whole benchmark, s. */
  readonly totalTimeS: number;
}

/** The traffic model, as recorded in the results. */
export const trafficModelText =
  'per PCG iteration: matrix values 9*s_m per block, column index 4 per block, row offsets ' +
  '4 per block row, and 20 vector streams of s_v per unknown (mat-vec gather and result 2, ' +
  'p.q 2, x and r update with r.r 6, block-Jacobi 5 including its 3 values per unknown, r.z 2, ' +
  'p update 3); mat-vec alone: the same matrix terms plus 2 vector streams';

/** Formats a number for tables: 3 significant digits, plain below 1e6. */
export function formatNumber(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '-';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6) return value.toExponential(2);
  if (magnitude >= 100) return value.toFixed(0);
  return value.toPrecision(3);
}

/** Column headers and cells of the runs table. */
export function runRows(runs: readonly RunRecord[]): string[][] {
  const header = [
    'problem',
    'backend',
    'unknowns',
    'iters',
    'ms/iter',
    'solve s',
    'B/unk/it',
    'GB/s',
    'probe GB/s',
    'ratio',
    'steady ratio',
    'mat-vec ratio',
    'Munk-it/s',
    'peak RSS MiB',
  ];
  const rows = runs.map((run) => [
    run.problemId,
    run.backendId,
    String(run.unknowns),
    String(run.iterations),
    formatNumber(run.timePerIterationMs),
    formatNumber(run.timeToSolutionMs / 1e3),
    formatNumber(run.bytesPerUnknownPerIteration),
    formatNumber(run.gigabytesPerSecond),
    formatNumber(run.probeGigabytesPerSecond),
    formatNumber(run.bandwidthRatio),
    formatNumber(run.steadyBandwidthRatio),
    formatNumber(run.matVecBandwidthRatio),
    formatNumber(run.unknownIterationsPerSecond / 1e6),
    formatNumber(run.peakRssMiB),
  ]);
  return [header, ...rows];
}

/** Rows as aligned plain text. */
export function textTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows
    .map((row) => row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))))
    .map((cells) => cells.join('  ').trimEnd())
    .join('\n');
}

/** Rows as a markdown table (first row is the header). */
export function markdownTable(rows: readonly (readonly string[])[]): string {
  const [header, ...body] = rows;
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`];
  for (const row of body) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

/** Probe table rows. */
export function probeRows(probes: readonly ProbeResult[]): string[][] {
  return [
    ['probe', 'device', 'threads', 'array MiB', 'ms/copy', 'GB/s'],
    ...probes.map((p) => [
      p.id,
      p.device,
      String(p.threads),
      formatNumber(p.arrayBytes / 2 ** 20),
      formatNumber(p.timePerCopyMs),
      formatNumber(p.gigabytesPerSecond),
    ]),
  ];
}

/** Problem table rows. */
export function problemRows(problems: readonly SystemInfo[]): string[][] {
  return [
    [
      'problem',
      'description',
      'nodes',
      'elements',
      'unknowns',
      'blocks/row',
      'model s',
      'assembly s',
    ],
    ...problems.map((p) => [
      p.id,
      p.label,
      String(p.nodes),
      String(p.elements),
      String(p.unknowns),
      formatNumber(p.blocks / p.nodes),
      formatNumber(p.modelMs / 1e3),
      formatNumber(p.assembleMs / 1e3),
    ]),
  ];
}

/** Meshing table rows. */
export function meshingRows(rates: readonly MeshingRate[]): string[][] {
  return [
    ['source', 'h mm', 'nodes', 'elements', 'meshing elem/s', 'mapping elem/s'],
    ...rates.map((r) => [
      r.problemId,
      formatNumber(r.edgeLengthMm),
      String(r.nodes),
      String(r.elements),
      formatNumber(r.meshingElementsPerSecond),
      formatNumber(r.mappingElementsPerSecond),
    ]),
  ];
}
