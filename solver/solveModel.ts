/**
 * The finite-element analysis of a vertebra model: assemble, constrain, solve, post-process.
 * The load case is axial compression: fixed nodes held, loaded nodes moved by
 * -appliedStrain * heightMm along the model's axis. Everything here is linear, so results
 * at another load follow by scaling.
 */
import type { PhaseLogger } from '../core/log.js';
import type { VertebraModel } from '../meshing/tetMesh.js';
import { assembleStiffness, internalForces } from './fem/assembly.js';
import { compressionConditions, eliminateDirichlet } from './fem/boundaryConditions.js';
import { buildMeshSparsity } from './fem/sparsity.js';
import type { LinearSolver, SolveOptions, SolveResult } from './linearSolver.js';
import { computeElementStrains, type ElementStrains } from './post/elementStrains.js';
import {
  computeFailureLoad,
  type FailureCriterion,
  type FailureResult,
} from './post/failureLoad.js';

/** Parameters of the analysis, all recorded in the report. */
export interface AnalysisOptions {
  /** Applied apparent strain: displacement = appliedStrain * heightMm (default 0.002). */
  readonly appliedStrain: number;
  /** Apparent strain at which the reaction force is reported (default 0.002, i.e. 0.2 %). */
  readonly reportStrain: number;
  readonly failure: FailureCriterion;
  readonly solve: SolveOptions;
}

/** Solver figures for the report. */
export interface SolverCertificate {
  readonly backend: string;
  readonly equations: number;
  readonly nonzeroBlocks: number;
  readonly iterations: number;
  readonly relativeResidual: number;
  readonly tolerance: number;
  readonly timeMs: number;
}

/** What the analysis produces. */
export interface AnalysisResult {
  /** Nodal displacements in mm (3 per node). */
  readonly displacementMm: Float64Array;
  /** Applied displacement of the loaded face in mm (along -axis). */
  readonly appliedDisplacementMm: number;
  /** Reaction force on the loaded face along the axis, N (negative: compression). */
  readonly reactionForceN: number;
  /** Reaction force on the fixed face along the axis, N; equilibrium: about -reactionForceN. */
  readonly reactionForceFixedN: number;
  /** Axial stiffness |F| / delta in N/mm. */
  readonly stiffnessNPerMm: number;
  /** |F| at the report strain (default 0.2 % apparent strain), N. */
  readonly forceAtReportStrainN: number;
  readonly strains: ElementStrains;
  readonly failure: FailureResult;
  readonly certificate: SolverCertificate;
}

/** Sums the internal forces of `nodes` projected on `axis` (N). */
export function axialReaction(
  forces: Float64Array,
  nodes: Uint32Array,
  axis: readonly [number, number, number],
): number {
  let sum = 0;
  for (const n of nodes) {
    sum += forces[3 * n] * axis[0] + forces[3 * n + 1] * axis[1] + forces[3 * n + 2] * axis[2];
  }
  return sum;
}

/** Runs the compression analysis of `model` with `solver`; logs assemble, solve and post. */
export async function analyseModel(
  model: VertebraModel,
  solver: LinearSolver,
  options: AnalysisOptions,
  log: PhaseLogger,
): Promise<AnalysisResult> {
  const { mesh } = model;
  const materials = { youngsModulusMpa: model.youngsModulusMpa, poissonRatio: model.poissonRatio };
  const displacement = options.appliedStrain * model.heightMm;
  if (!(displacement > 0))
    throw new Error(`applied displacement ${displacement} mm is not positive`);

  // Assemble and constrain.
  let start = performance.now();
  const sparsity = buildMeshSparsity(mesh);
  const matrix = assembleStiffness(mesh, sparsity, materials);
  const conditions = compressionConditions(
    model.fixedNodes,
    model.loadedNodes,
    model.axis,
    displacement,
  );
  const rhs = eliminateDirichlet(matrix, conditions);
  const equations = 3 * sparsity.pattern.blockRowCount;
  const nonzeroBlocks = sparsity.pattern.colIndices.length;
  log.phase(
    'assemble',
    `${equations} equations, ${nonzeroBlocks} blocks (${9 * nonzeroBlocks} nonzeros)`,
    performance.now() - start,
  );

  // Solve.
  const solved: SolveResult = await solver.solve(matrix, rhs, options.solve);
  log.phase(
    'solve',
    `${solved.backend}: ${solved.iterations} iterations, residual ` +
      `${solved.relativeResidual.toExponential(2)} <= ${options.solve.relativeTolerance}`,
    solved.timeMs,
  );

  // Post-process from the unconstrained element operators.
  start = performance.now();
  const u = solved.x;
  const forces = internalForces(mesh, materials, u);
  const reactionForceN = axialReaction(forces, model.loadedNodes, model.axis);
  const reactionForceFixedN = axialReaction(forces, model.fixedNodes, model.axis);
  const magnitude = Math.abs(reactionForceN);
  const strains = computeElementStrains(mesh, u);
  const failure = computeFailureLoad(
    mesh,
    model.region,
    strains.principal,
    strains.volumeMm3,
    reactionForceN,
    options.failure,
  );
  const forceAtReportStrainN = (magnitude * options.reportStrain) / options.appliedStrain;
  log.phase(
    'post',
    `reaction ${magnitude.toFixed(1)} N, failure load ${failure.failureLoadN.toFixed(0)} N`,
    performance.now() - start,
  );

  return {
    displacementMm: u,
    appliedDisplacementMm: displacement,
    reactionForceN,
    reactionForceFixedN,
    stiffnessNPerMm: magnitude / displacement,
    forceAtReportStrainN,
    strains,
    failure,
    certificate: {
      backend: solved.backend,
      equations,
      nonzeroBlocks,
      iterations: solved.iterations,
      relativeResidual: solved.relativeResidual,
      tolerance: options.solve.relativeTolerance,
      timeMs: solved.timeMs,
    },
  };
}
