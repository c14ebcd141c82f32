/**
 * Mesh refinement study for the README: solves a real sample at several element sizes and
 * prints stiffness, failure load and their change from the previous (coarser) size.
 *
 *   npx tsx test/solver/refinementStudy.ts verse [h1 h2 ...]      (default 2 1.414 1)
 *   npx tsx test/solver/refinementStudy.ts totalseg-L3 [h1 ...]
 *   options: --backend js|wasm|gpu|auto (default auto)
 *
 * Not part of the test suite (fine meshes take minutes); the suite runs the samples at 3 mm.
 */
import { createLogger } from '../../core/log.js';
import { runSolve, defaultAnalysisOptions } from '../../cli/solvePipeline.js';
import { parseBackend } from '../../solver/backends.js';
import type { LoadOptions } from '../../input/loadVertebra.js';

const samples: Record<string, LoadOptions> = {
  verse: {
    ctPath: 'data/verse004-L2/density.nii.gz',
    maskPath: 'data/verse004-L2/labels.nii.gz',
    inputUnits: 'density',
  },
};
for (const level of ['L1', 'L2', 'L3', 'L4', 'L5']) {
  samples[`totalseg-${level}`] = {
    ctPath: 'data/totalseg-lumbar/ct.nii.gz',
    maskPath: 'data/totalseg-lumbar/labels.nii.gz',
    level,
    inputUnits: 'hu',
  };
}

async function main(argv: string[]): Promise<void> {
  const backendAt = argv.indexOf('--backend');
  const backend = parseBackend(backendAt >= 0 ? argv[backendAt + 1] : 'auto');
  const rest = argv.filter((_, k) => k !== backendAt && k !== backendAt + 1);
  const [name = 'verse', ...sizes] = rest;
  const input = samples[name];
  if (!input) throw new Error(`unknown sample '${name}' (${Object.keys(samples).join(', ')})`);
  const hs = sizes.length > 0 ? sizes.map(Number) : [2, Math.SQRT2, 1];

  process.stdout.write(
    `| sample | h (mm) | elements | unknowns | iterations | stiffness (kN/mm) | change | ` +
      `failure load (kN) | change | solve (s) |\n` +
      '|---|---|---|---|---|---|---|---|---|---|\n',
  );
  let previous: { k: number; f: number } | null = null;
  for (const h of hs) {
    const { report } = await runSolve(
      {
        input,
        elementSizeMm: h,
        backend,
        activity: 'standing',
        analysis: defaultAnalysisOptions,
        arguments: [],
      },
      createLogger(false),
    );
    const r = report.results;
    const k = r.stiffnessNPerMm / 1000;
    const f = r.failureLoadN / 1000;
    const change = (now: number, before: number | undefined) =>
      before === undefined ? '' : `${(((now - before) / before) * 100).toFixed(1)} %`;
    const quality = report.meshQuality as { elementCount: number };
    process.stdout.write(
      `| ${name} | ${h.toFixed(3)} | ${quality.elementCount} | ${report.solver.equations} | ` +
        `${report.solver.iterations} | ${k.toFixed(2)} | ${change(k, previous?.k)} | ` +
        `${f.toFixed(3)} | ${change(f, previous?.f)} | ` +
        `${(report.solver.timeMs / 1000).toFixed(1)} |\n`,
    );
    previous = { k, f };
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(2);
});
