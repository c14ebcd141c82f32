/**
 * The solve report, schema "metastra-vph/report@1": every parameter, the material law, the
 * calibration and input provenance (files with SHA-256), software version, mesh quality, the
 * solver certificate, warnings and results. Written as report.json by `vph solve --out` and
 * printed by `vph solve --json`. Fields are only ever added within a schema version.
 */
import type { AnalysisOptions, AnalysisResult } from './solveModel.js';
import type { DensityFigures } from './post/densityFigures.js';
import type { LoadToStrength } from './post/physiologicalLoads.js';

/** Schema identifier of the report. */
export const reportSchema = 'metastra-vph/report@1';

/** What goes into the report, gathered by the solve pipeline. */
export interface ReportParts {
  readonly softwareVersion: string;
  /** Command-line arguments as given. */
  readonly arguments: readonly string[];
  /** The input layer's provenance (files, sha256, transform, calibration, selection). */
  readonly input: unknown;
  /** The model builder's parameters and report (law, caps, axis...). */
  readonly model: unknown;
  /** The mesh quality figures. */
  readonly meshQuality: unknown;
  readonly analysisOptions: AnalysisOptions;
  readonly backend: { readonly requested: string; readonly reason: string };
  readonly analysis: AnalysisResult;
  readonly density: DensityFigures;
  readonly loadToStrength: LoadToStrength | null;
  readonly warnings: readonly string[];
  /** Wall time of each stage in ms. */
  readonly timingsMs: Readonly<Record<string, number>>;
}

/** The report object (plain JSON data). */
export type SolveReport = ReturnType<typeof buildReport>;

/** Assembles the report object from its parts. */
export function buildReport(parts: ReportParts) {
  const { analysis, analysisOptions, density } = parts;
  const failure = analysis.failure;
  return {
    schema: reportSchema,
    software: { name: 'metastra-vph', version: parts.softwareVersion },
    createdAt: new Date().toISOString(),
    arguments: parts.arguments,
    input: parts.input,
    model: parts.model,
    meshQuality: parts.meshQuality,
    parameters: {
      loadCase: 'axial compression between bone-cement caps, bottom face fixed, top face displaced',
      appliedStrain: analysisOptions.appliedStrain,
      reportStrain: analysisOptions.reportStrain,
      failureCriterion: analysisOptions.failure,
      solver: {
        backendRequested: parts.backend.requested,
        relativeTolerance: analysisOptions.solve.relativeTolerance,
        maxIterations: analysisOptions.solve.maxIterations,
      },
    },
    solver: { ...analysis.certificate, backendReason: parts.backend.reason },
    results: {
      stiffnessNPerMm: analysis.stiffnessNPerMm,
      appliedDisplacementMm: analysis.appliedDisplacementMm,
      reactionForceN: analysis.reactionForceN,
      reactionForceFixedN: analysis.reactionForceFixedN,
      forceAtReportStrainN: analysis.forceAtReportStrainN,
      failureLoadN: failure.failureLoadN,
      criticalStrainRatio: failure.criticalRatio,
      eligibleBoneVolumeMm3: failure.eligibleVolumeMm3,
      excludedBoneVolumeMm3: failure.excludedVolumeMm3,
      trabecularBmdMgCm3: density.trabecularBmdMgCm3,
      trabecularBmdSource: density.bmdSource,
      trabecularVoxels: density.trabecularVoxels,
      boneVolumeMm3: density.boneVolumeMm3,
      bodyVolumeMm3: density.bodyVolumeMm3,
      heightMm: density.heightMm,
      loadToStrength: parts.loadToStrength,
    },
    warnings: parts.warnings,
    timingsMs: parts.timingsMs,
  };
}

/** JSON text of a report: typed arrays become arrays, non-finite numbers become null. */
export function reportJson(report: unknown): string {
  return JSON.stringify(
    report,
    (_key, value: unknown) => {
      if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
        return Array.from(value as unknown as ArrayLike<number>);
      }
      if (typeof value === 'number' && !Number.isFinite(value)) return null;
      return value;
    },
    2,
  );
}
