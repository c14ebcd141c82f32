/**
 * The `vph solve` pipeline: load the vertebra, build the model, solve the compression case,
 * post-process, and (with an output folder) write report.json and result.vtu. Results of an
 * earlier run in the folder are removed first; the new files are only written after every stage
 * succeeded, each to a temporary name renamed into place, so a failed run leaves nothing that
 * looks like a result.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { timed, type PhaseLogger } from '../core/log.js';
import { projectPath } from '../core/paths.js';
import type { LoadOptions } from '../input/loadVertebra.js';
import { loadVertebraImage } from '../input/loadVertebra.js';
import { buildVertebraModel, type ModelOptions } from '../meshing/buildModel.js';
import type { MaterialLawName } from '../meshing/materialLaws.js';
import { writeVtu } from '../meshing/vtu.js';
import { sectionSvg } from '../solver/post/sectionPicture.js';
import { selectBackend, type BackendName } from '../solver/backends.js';
import { defaultSolveOptions } from '../solver/linearSolver.js';
import { densityFigures } from '../solver/post/densityFigures.js';
import { defaultFailureCriterion } from '../solver/post/failureLoad.js';
import {
  isSpinalLevel,
  loadToStrength,
  type Activity,
  type LoadToStrength,
} from '../solver/post/physiologicalLoads.js';
import { buildReport, reportJson, type SolveReport } from '../solver/report.js';
import { analyseModel, type AnalysisOptions, type AnalysisResult } from '../solver/solveModel.js';
import type { VertebraModel } from '../meshing/tetMesh.js';

/** Everything `vph solve` was asked to do. */
export interface SolveRequest {
  readonly input: LoadOptions;
  /** Target element edge in mm (default 1). */
  readonly elementSizeMm: number;
  readonly law?: MaterialLawName;
  /** Cement beyond the body's extreme point along the axis, mm (model default when absent). */
  readonly capThicknessMm?: number;
  /** How the vertebral axis is found (model default when absent). */
  readonly axisMethod?: ModelOptions['axisMethod'];
  readonly backend: BackendName;
  /** Worker threads of the WebAssembly backend (default 1). */
  readonly wasmThreads?: number;
  readonly activity: Activity;
  /** Body mass in kg for the physiological load; the table's 70 kg when absent. */
  readonly bodyMassKg?: number;
  /** Spinal level for the physiological load when the mask selection gives none. */
  readonly loadLevel?: string;
  readonly analysis: AnalysisOptions;
  /** Output folder for report.json, result.vtu and result.svg. */
  readonly outDir?: string;
  /** Command-line arguments, recorded in the report. */
  readonly arguments: readonly string[];
}

/** Default analysis parameters of the design brief. */
export const defaultAnalysisOptions: AnalysisOptions = {
  appliedStrain: 0.002,
  reportStrain: 0.002,
  failure: defaultFailureCriterion,
  solve: defaultSolveOptions,
};

/** The outcome of a solve: the report and the files written. */
export interface SolveOutcome {
  readonly report: SolveReport;
  readonly files: string[];
}

function softwareVersion(): string {
  const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs the whole pipeline; see the module comment. */
export async function runSolve(request: SolveRequest, log: PhaseLogger): Promise<SolveOutcome> {
  const timings: Record<string, number> = {};
  const warnings: string[] = [];
  if (request.outDir) removeStaleResults(request.outDir);

  const [loaded, loadMs] = await timed(() => loadVertebraImage(request.input, log));
  timings.load = loadMs;
  warnings.push(...loaded.warnings);

  const [built, meshMs] = await timed(() =>
    buildVertebraModel(
      loaded.image,
      {
        elementSizeMm: request.elementSizeMm,
        source: request.input.ctPath,
        ...(request.law ? { law: request.law } : {}),
        ...(request.capThicknessMm ? { capThicknessMm: request.capThicknessMm } : {}),
        ...(request.axisMethod ? { axisMethod: request.axisMethod } : {}),
      },
      log,
    ),
  );
  timings.model = meshMs;
  const builtWarnings = (built.report as { warnings?: unknown }).warnings;
  if (Array.isArray(builtWarnings)) warnings.push(...builtWarnings.map(String));

  const { solver, reason } = await selectBackend(request.backend, {
    wasmThreads: request.wasmThreads,
  });
  let analysis: AnalysisResult;
  try {
    const [result, analysisMs] = await timed(() =>
      analyseModel(built.model, solver, request.analysis, log),
    );
    analysis = result;
    timings.analysis = analysisMs;
  } finally {
    await solver.dispose();
  }

  const density = densityFigures(loaded.image, built.model, analysis.strains.volumeMm3);
  const level = loaded.provenance.selection?.level ?? request.loadLevel;
  let ratio: LoadToStrength | null = null;
  if (level !== undefined && isSpinalLevel(level)) {
    ratio = loadToStrength(
      level,
      request.activity,
      analysis.failure.failureLoadN,
      request.bodyMassKg,
    );
  } else {
    const what = level === undefined ? 'no spinal level known' : `no load table for ${level}`;
    const warning = `${what}: load-to-strength ratio not computed (give --load-level T1..L5)`;
    warnings.push(warning);
    log.warn(warning);
  }

  const report = buildReport({
    softwareVersion: softwareVersion(),
    arguments: request.arguments,
    input: loaded.provenance,
    model: built.report,
    meshQuality: built.quality,
    analysisOptions: request.analysis,
    backend: { requested: request.backend, reason },
    analysis,
    density,
    loadToStrength: ratio,
    warnings,
    timingsMs: timings,
  });

  const picture = () =>
    resultPicture(loaded.provenance.files[0].path, loaded.image.calibrated, built.model, analysis);
  const files = request.outDir
    ? writeResults(request.outDir, report, built.model, analysis, picture)
    : [];
  return { report, files };
}

/** Removes the results of an earlier run so that a failure cannot leave them looking current. */
function removeStaleResults(outDir: string): void {
  rmSync(join(outDir, 'report.json'), { force: true });
  rmSync(join(outDir, 'result.vtu'), { force: true });
  rmSync(join(outDir, 'result.svg'), { force: true });
}

/** Writes report.json, result.vtu and result.svg into `outDir` through temporary names. */
function writeResults(
  outDir: string,
  report: SolveReport,
  model: VertebraModel,
  analysis: AnalysisResult,
  picture: () => string,
): string[] {
  mkdirSync(outDir, { recursive: true });
  const reportPath = join(outDir, 'report.json');
  const vtuPath = join(outDir, 'result.vtu');
  const svgPath = join(outDir, 'result.svg');
  const suffix = `.tmp-${process.pid}`;
  try {
    writeVtu(vtuPath + suffix, model.mesh, {
      pointData: [{ name: 'displacement_mm', components: 3, values: analysis.displacementMm }],
      cellData: [
        { name: 'strain', components: 6, values: analysis.strains.strain },
        { name: 'principal_strain', components: 3, values: analysis.strains.principal },
        { name: 'modulus_MPa', components: 1, values: model.youngsModulusMpa },
        { name: 'density_mg_cm3', components: 1, values: model.densityMgCm3 },
        { name: 'failure_ratio', components: 1, values: analysis.failure.ratio },
        { name: 'failure_eligible', components: 1, values: analysis.failure.eligible },
        { name: 'region', components: 1, values: model.region },
      ],
    });
    writeFileSync(svgPath + suffix, picture());
    writeFileSync(reportPath + suffix, reportJson(report) + '\n');
    renameSync(vtuPath + suffix, vtuPath);
    renameSync(svgPath + suffix, svgPath);
    renameSync(reportPath + suffix, reportPath);
  } catch (error) {
    for (const path of [vtuPath, svgPath, reportPath]) rmSync(path + suffix, { force: true });
    throw error;
  }
  return [reportPath, vtuPath, svgPath];
}

/** The mid-sagittal section coloured by the failure ratio at the failure load. */
function resultPicture(
  ctPath: string,
  calibrated: boolean,
  model: VertebraModel,
  analysis: AnalysisResult,
): string {
  const { failure } = analysis;
  const atFailureLoad = failure.ratio.map((r) => r / failure.criticalRatio);
  const flag = calibrated ? '' : ' (UNCALIBRATED density)';
  return sectionSvg(model.mesh, {
    axis: model.axis,
    values: atFailureLoad,
    maxValue: 1.2,
    valueLabel: 'failure ratio at failure load',
    region: model.region,
    caption: [
      `${ctPath}: stiffness ${(analysis.stiffnessNPerMm / 1000).toFixed(2)} ` +
        `kN/mm, failure load ${(failure.failureLoadN / 1000).toFixed(3)} kN${flag}`,
      'mid-sagittal section; ratio = max(eps1 / eps_t, -eps3 / eps_c); >= 1 yields',
    ],
  });
}
