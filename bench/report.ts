/**
 * Writes a benchmark's results: <date>-<machine>.json (the full record), .md (a summary with
 * the tables) and .svg (time per iteration against unknowns). A quick run's files carry a
 * '-quick' suffix so that it never replaces a full run's.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { timePerIterationSvg } from './plot.js';
import {
  markdownTable,
  meshingRows,
  probeRows,
  problemRows,
  runRows,
  textTable,
  type BenchResults,
} from './results.js';

/** File name stem of a results set: date, machine name, and '-quick' for a quick run. */
export function resultsStem(results: BenchResults): string {
  const date = results.startedAt.slice(0, 10);
  const machine = results.machine.hostname.replace(/[^A-Za-z0-9._-]+/g, '_') || 'machine';
  return `${date}-${machine}${results.mode === 'quick' ? '-quick' : ''}`;
}

/** The markdown summary. */
export function markdownSummary(results: BenchResults, svgName: string): string {
  const m = results.machine;
  const lines = [
    `# METASTRA-VPH benchmark, ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB, Node ${m.node}, ` +
      `${m.platform} (${m.hostname}). Mode: ${results.mode}. Every solve certified to a true ` +
      `relative residual of ${results.tolerance}. Total time ${results.totalTimeS.toFixed(0)} s.`,
    '',
    '## Bandwidth probes',
    '',
    markdownTable(probeRows(results.probes)),
    '',
    '## Problems',
    '',
    markdownTable(problemRows(results.problems)),
    '',
    '## PCG solves',
    '',
    'ratio = achieved GB/s over the copy probe of the same device (wasm and native against ' +
      'their own copy at the same thread count, TypeScript against a JavaScript copy loop, ' +
      'each GPU adapter against a WGSL copy). ms/iter = best whole-solve time over iterations, ' +
      'setup and certificate included; steady ratio = the same from the iterations between ' +
      'the first and last progress report (setup excluded); mat-vec ratio = the product ' +
      'alone, where the backend exposes it.',
    '',
    markdownTable(runRows(results.runs)),
    '',
    `![time per iteration against unknowns](${svgName})`,
    '',
  ];
  if (results.skipped.length > 0) {
    lines.push('## Not run', '');
    for (const s of results.skipped) lines.push(`- ${s.problemId} / ${s.backendId}: ${s.reason}`);
    lines.push('');
  }
  lines.push(
    '## Meshing and material mapping',
    '',
    markdownTable(meshingRows(results.meshing)),
    '',
    '## How bytes are counted',
    '',
    `Traffic model (s_m bytes per matrix value, s_v per vector entry): ${results.trafficModel}. ` +
      'GB/s = bytes per iteration / time per iteration; the probes count 2 bytes per byte ' +
      'copied (read and write).',
    '',
  );
  return lines.join('\n');
}

/** Writes the three files into `outDir`; returns their paths and the plain-text table. */
export function writeReports(
  results: BenchResults,
  outDir: string,
): { paths: string[]; table: string } {
  const stem = resultsStem(results);
  const synthetic = new Set(
    results.problems.filter((p) => p.kind === 'synthetic').map((p) => p.id),
  );
  const svg = timePerIterationSvg(
    results.runs,
    (id) => synthetic.has(id),
    `PCG time per iteration, ${results.machine.cpu}`,
  );
  const paths = [`${stem}.json`, `${stem}.md`, `${stem}.svg`].map((name) => join(outDir, name));
  writeFileSync(paths[0], JSON.stringify(results, null, 2) + '\n');
  writeFileSync(paths[1], markdownSummary(results, `${stem}.svg`));
  writeFileSync(paths[2], svg);

  const table = [
    textTable(probeRows(results.probes)),
    '',
    textTable(runRows(results.runs)),
    '',
    textTable(meshingRows(results.meshing)),
  ].join('\n');
  return { paths, table };
}
