/**
 * `vph solve INPUT [input options] [model, solver and risk options]`: the vertebra's axial
 * stiffness, failure load and load-to-strength ratio. Progress goes to stderr, one line per
 * stage; the results table (or, with --json, the report alone) to stdout.
 */
import { UserError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { inputOptionsHelp, parseInputArgs } from '../../input/inputArgs.js';
import { materialLaws, type MaterialLawName } from '../../meshing/materialLaws.js';
import { parseBackend } from '../../solver/backends.js';
import { activities, isSpinalLevel, type Activity } from '../../solver/post/physiologicalLoads.js';
import type { SolveReport } from '../../solver/report.js';
import { reportJson } from '../../solver/report.js';
import type { Command } from '../command.js';
import { axisMethods, oneOf, positiveNumber } from '../optionValues.js';
import { prepareOutputFolder } from '../outputFolder.js';
import { defaultAnalysisOptions, runSolve, type SolveRequest } from '../solvePipeline.js';

const solveOptionSpec = {
  'element-size': { type: 'string' },
  law: { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  activity: { type: 'string' },
  'body-mass': { type: 'string' },
  'load-level': { type: 'string' },
  tolerance: { type: 'string' },
  'max-iterations': { type: 'string' },
  'applied-strain': { type: 'string' },
  'tensile-yield-strain': { type: 'string' },
  'compressive-yield-strain': { type: 'string' },
  'critical-fraction': { type: 'string' },
  'keep-cap-neighbours': { type: 'boolean' },
  'cap-thickness': { type: 'string' },
  axis: { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

const help = `usage: vph solve INPUT [options]

Meshes one vertebra, maps bone stiffness from the scan, compresses it between bone-cement caps
and reports axial stiffness, failure load and load-to-strength ratio.

${inputOptionsHelp}

model and solver options:
  --element-size MM      target tetrahedron edge in mm (default 1.0)
  --law NAME             density-modulus law: ${Object.keys(materialLaws).join(', ')}
  --backend B            auto (default) | js | wasm | gpu
  --threads N            worker threads of the WebAssembly backend (default 1; more is faster
                         on idle cores, agreeing with the reference to about 1e-7, not bitwise)
  --tolerance T          certified relative residual (default 1e-8)
  --max-iterations N     PCG iteration limit (default 20000)
  --applied-strain S     apparent strain applied, e.g. 0.002 (linear: results do not depend on it)
  --cap-thickness MM     cement beyond the body's extreme point along the axis (default 3)
  --axis METHOD          auto (default: labelled caps' normal, else the body's principal axis)
                         | principal-axes | image | labelled-caps

failure and risk options:
  --tensile-yield-strain S      default 0.0070 (Morgan & Keaveny 2001)
  --compressive-yield-strain S  default 0.0077 (Morgan & Keaveny 2001)
  --critical-fraction F         bone volume fraction at failure, default 0.02
  --keep-cap-neighbours         count bone elements touching the caps in the criterion
  --activity A           standing (default) | flexion | lifting
  --body-mass KG         scales the physiological load (table written for 70 kg)
  --load-level L         spinal level T1..L5 for the load when the mask does not name one

output:
  --out DIR              write DIR/report.json, DIR/result.vtu (ParaView) and DIR/result.svg
  --json                 print the report (JSON) alone on stdout
  --quiet                no progress lines on stderr`;

function threadCount(text: unknown): number {
  const value = positiveNumber('threads', text, 1);
  if (!Number.isInteger(value) || value > 64) {
    throw new UserError(`--threads: '${String(text)}' is not a whole number from 1 to 64`);
  }
  return value;
}

/** Turns the command line into a {@link SolveRequest}. */
export function parseSolveArgs(args: string[]): {
  request: SolveRequest;
  json: boolean;
  quiet: boolean;
} {
  const { options, extra } = parseInputArgs(args, solveOptionSpec);
  const law = extra.law as string | undefined;
  if (law !== undefined && !(law in materialLaws)) {
    throw new UserError(`--law: '${law}' is not one of ${Object.keys(materialLaws).join(', ')}`);
  }
  const activity = (extra.activity as string | undefined) ?? 'standing';
  if (!(activities as readonly string[]).includes(activity)) {
    throw new UserError(`--activity: '${activity}' is not one of ${activities.join(', ')}`);
  }
  const maxIterations = positiveNumber('max-iterations', extra['max-iterations'], 20000);
  if (!Number.isInteger(maxIterations)) {
    throw new UserError(`--max-iterations: '${String(extra['max-iterations'])}' is not an integer`);
  }
  const loadLevel = (extra['load-level'] as string | undefined)?.toUpperCase();
  if (loadLevel !== undefined && !isSpinalLevel(loadLevel)) {
    throw new UserError(`--load-level: '${loadLevel}' is not a level with loads (T1..L5)`);
  }
  const defaults = defaultAnalysisOptions;
  const fraction = positiveNumber('critical-fraction', extra['critical-fraction'], 0.02);
  if (fraction >= 1) throw new UserError(`--critical-fraction: ${fraction} is not below 1`);

  const request: SolveRequest = {
    input: options,
    elementSizeMm: positiveNumber('element-size', extra['element-size'], 1),
    law: law as MaterialLawName | undefined,
    capThicknessMm:
      extra['cap-thickness'] === undefined
        ? undefined
        : positiveNumber('cap-thickness', extra['cap-thickness'], 3),
    axisMethod: oneOf('axis', extra.axis, axisMethods, 'auto'),
    backend: parseBackend(extra.backend as string | undefined),
    wasmThreads: threadCount(extra.threads),
    activity: activity as Activity,
    bodyMassKg:
      extra['body-mass'] === undefined
        ? undefined
        : positiveNumber('body-mass', extra['body-mass'], 70),
    loadLevel,
    analysis: {
      appliedStrain: positiveNumber(
        'applied-strain',
        extra['applied-strain'],
        defaults.appliedStrain,
      ),
      reportStrain: defaults.reportStrain,
      failure: {
        tensileYieldStrain: positiveNumber(
          'tensile-yield-strain',
          extra['tensile-yield-strain'],
          defaults.failure.tensileYieldStrain,
        ),
        compressiveYieldStrain: positiveNumber(
          'compressive-yield-strain',
          extra['compressive-yield-strain'],
          defaults.failure.compressiveYieldStrain,
        ),
        criticalVolumeFraction: fraction,
        excludeCapNeighbours: extra['keep-cap-neighbours'] !== true,
      },
      solve: {
        relativeTolerance: positiveNumber(
          'tolerance',
          extra.tolerance,
          defaults.solve.relativeTolerance,
        ),
        maxIterations,
      },
    },
    outDir: extra.out as string | undefined,
    arguments: args,
  };
  return { request, json: extra.json === true, quiet: extra.quiet === true };
}

/** The short results table printed after a solve; `listWarnings` spells the warnings out. */
export function resultsTable(report: SolveReport, files: string[], listWarnings = false): string {
  const r = report.results;
  const rows: Array<[string, string]> = [
    ['stiffness', `${(r.stiffnessNPerMm / 1000).toFixed(2)} kN/mm`],
    ['force at 0.2 % strain', `${(r.forceAtReportStrainN / 1000).toFixed(3)} kN`],
    ['failure load', `${(r.failureLoadN / 1000).toFixed(3)} kN`],
    ['trabecular BMD', `${r.trabecularBmdMgCm3.toFixed(1)} mg/cm3 (${r.trabecularBmdSource})`],
    ['bone volume', `${(r.boneVolumeMm3 / 1000).toFixed(2)} cm3`],
    ['height', `${r.heightMm.toFixed(1)} mm`],
  ];
  const lsr = r.loadToStrength;
  if (lsr) {
    const load = `${lsr.level} ${lsr.activity}, ${lsr.loadN.toFixed(0)} N for ${lsr.bodyMassKg} kg`;
    rows.push(['load-to-strength', `${lsr.ratio.toFixed(2)} (${load}): ${lsr.category}`]);
    rows.push(['', 'risk category UNCALIBRATED']);
  }
  const s = report.solver;
  const residual = s.relativeResidual.toExponential(2);
  rows.push(['solver', `${s.backend}, ${s.iterations} iterations, residual ${residual}`]);
  if (listWarnings) {
    report.warnings.forEach((w, i) => rows.push([i === 0 ? 'warnings' : '', w]));
  } else if (report.warnings.length > 0) {
    rows.push(['warnings', `${report.warnings.length} (see above)`]);
  }
  for (const file of files) rows.push(['wrote', file]);
  return rows.map(([label, value]) => `${label.padEnd(22)} ${value}`).join('\n');
}

/** `vph solve`. */
export const command: Command = {
  summary: 'stiffness, failure load and load-to-strength ratio of one vertebra',
  help,
  async run(args: string[]): Promise<void> {
    const { request, json, quiet } = parseSolveArgs(args);
    if (request.outDir !== undefined) {
      prepareOutputFolder(request.outDir, ['report.json', 'result.vtu', 'result.svg']);
    }
    const log = createLogger(quiet);
    const { report, files } = await runSolve(request, log);
    process.stdout.write((json ? reportJson(report) : resultsTable(report, files, quiet)) + '\n');
  },
};
