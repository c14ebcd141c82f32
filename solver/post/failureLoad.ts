/**
 * Failure load by the strain-based criterion of the design brief.
 *
 * Per element, failure ratio = max(eps1 / eps_t, -eps3 / eps_c) with the vertebral trabecular
 * yield strains eps_t = 0.70 % (tension) and eps_c = 0.77 % (compression) of Morgan & Keaveny
 * 2001 (J Biomech 34:569-577). The model is linear, so under a load F every ratio scales with F:
 * find r* such that the elements with ratio >= r* make up the critical fraction (default 2 %,
 * after Pistoia et al. 2002, Bone 30:842-848) of the eligible bone volume; the failure load is
 * |F| / r*, the load at which that fraction reaches ratio 1.
 *
 * Eligible bone: elements of region Body or Posterior, minus those sharing a node with a cap
 * element (the stiff cement interface concentrates strain artificially). The critical fraction
 * is taken of the eligible volume (the excluded elements count in neither part).
 */
import { ElementRegion, type TetMesh } from '../../meshing/tetMesh.js';
import { NumericalError } from '../../core/errors.js';

/** Parameters of the failure criterion; every one is recorded in the report. */
export interface FailureCriterion {
  /** Tensile yield strain (dimensionless), default 0.0070. */
  readonly tensileYieldStrain: number;
  /** Compressive yield strain magnitude (dimensionless), default 0.0077. */
  readonly compressiveYieldStrain: number;
  /** Fraction of eligible bone volume that must reach ratio 1, default 0.02. */
  readonly criticalVolumeFraction: number;
  /** Exclude bone elements sharing a node with a cap element, default true. */
  readonly excludeCapNeighbours: boolean;
}

/** Defaults of the design brief (Morgan & Keaveny 2001; 2 % after Pistoia et al. 2002). */
export const defaultFailureCriterion: FailureCriterion = {
  tensileYieldStrain: 0.007,
  compressiveYieldStrain: 0.0077,
  criticalVolumeFraction: 0.02,
  excludeCapNeighbours: true,
};

/** Outcome of the criterion for one solved load. */
export interface FailureResult {
  /** Failure ratio per element at the applied load (caps included, for display). */
  readonly ratio: Float64Array;
  /** 1 for elements counted in the criterion, 0 otherwise. */
  readonly eligible: Uint8Array;
  /** Ratio r* at the applied load whose exceedance volume is the critical fraction. */
  readonly criticalRatio: number;
  /** Failure load in N: |F| / r*. */
  readonly failureLoadN: number;
  /** Eligible bone volume in mm3 and the excluded bone volume in mm3. */
  readonly eligibleVolumeMm3: number;
  readonly excludedVolumeMm3: number;
}

/** Failure ratio of every element from its principal strains (3 per element, descending). */
export function failureRatios(principal: Float64Array, criterion: FailureCriterion): Float64Array {
  const count = principal.length / 3;
  const ratio = new Float64Array(count);
  for (let e = 0; e < count; e++) {
    const tension = principal[3 * e] / criterion.tensileYieldStrain;
    const compression = -principal[3 * e + 2] / criterion.compressiveYieldStrain;
    ratio[e] = Math.max(tension, compression);
  }
  return ratio;
}

/**
 * Applies the criterion to a solved model: `principal` strains per element, `volumeMm3` per
 * element, `region` per element, and the magnitude of the reaction force |F| in N.
 */
export function computeFailureLoad(
  mesh: TetMesh,
  region: Uint8Array,
  principal: Float64Array,
  volumeMm3: Float64Array,
  reactionForceN: number,
  criterion: FailureCriterion,
): FailureResult {
  const tetCount = region.length;
  const ratio = failureRatios(principal, criterion);
  const eligible = eligibleBone(mesh, region, criterion.excludeCapNeighbours);

  // Eligible elements sorted by descending ratio; accumulate volume to the critical fraction.
  let eligibleVolumeMm3 = 0;
  let excludedVolumeMm3 = 0;
  const order: number[] = [];
  for (let e = 0; e < tetCount; e++) {
    if (eligible[e]) {
      eligibleVolumeMm3 += volumeMm3[e];
      order.push(e);
    } else if (isBone(region[e])) excludedVolumeMm3 += volumeMm3[e];
  }
  if (order.length === 0)
    throw new NumericalError('no eligible bone element for the failure criterion');
  order.sort((a, b) => ratio[b] - ratio[a]);

  const target = criterion.criticalVolumeFraction * eligibleVolumeMm3;
  let accumulated = 0;
  let criticalRatio = ratio[order[order.length - 1]];
  for (const e of order) {
    accumulated += volumeMm3[e];
    if (accumulated >= target) {
      criticalRatio = ratio[e];
      break;
    }
  }
  if (!(criticalRatio > 0)) {
    throw new NumericalError('failure criterion: critical strain ratio is not positive', {
      criticalRatio,
    });
  }

  return {
    ratio,
    eligible,
    criticalRatio,
    failureLoadN: Math.abs(reactionForceN) / criticalRatio,
    eligibleVolumeMm3,
    excludedVolumeMm3,
  };
}

function isBone(region: number): boolean {
  return region === ElementRegion.Body || region === ElementRegion.Posterior;
}

/** 1 for bone elements counted by the criterion (optionally minus cap neighbours). */
export function eligibleBone(
  mesh: TetMesh,
  region: Uint8Array,
  excludeCapNeighbours: boolean,
): Uint8Array {
  const tetCount = region.length;
  const touchesCap = new Uint8Array(mesh.nodes.length / 3);
  if (excludeCapNeighbours) {
    for (let e = 0; e < tetCount; e++) {
      if (isBone(region[e])) continue;
      for (let a = 0; a < 4; a++) touchesCap[mesh.tets[4 * e + a]] = 1;
    }
  }

  const eligible = new Uint8Array(tetCount);
  for (let e = 0; e < tetCount; e++) {
    if (!isBone(region[e])) continue;
    let nearCap = false;
    for (let a = 0; a < 4; a++) if (touchesCap[mesh.tets[4 * e + a]]) nearCap = true;
    eligible[e] = nearCap ? 0 : 1;
  }
  return eligible;
}
