/**
 * Physiological compressive loads on the vertebrae T1..L5 for three activities, and the
 * load-to-strength ratio (factor of risk) load / failure load with UNCALIBRATED categories.
 *
 * How the table is built (every figure in N, for the reference body mass of 70 kg):
 *
 * 1. Anchor at L4-L5 from in-vivo intradiscal pressure (Wilke et al. 1999, Spine 24:755-762;
 *    one 45-year-old, 70 kg male, nucleus of L4-L5): relaxed standing 0.50 MPa, standing
 *    flexed forward 1.10 MPa, lifting 20 kg close to the body with bent knees 1.70 MPa.
 *    Pressure becomes force by F = c * P * A with an assumed disc area A = 1800 mm2 and an
 *    assumed factor c = 0.66 for the part of the disc that carries the nucleus pressure; both
 *    are assumptions of this table (published conversions vary), giving 594, 1307 and 2020 N.
 * 2. Other levels scale with the share of body mass carried above them, from the segment
 *    masses of de Leva 1996 (J Biomech 29:1223-1230, male): head and neck 6.94 %, both arms
 *    9.88 %, upper trunk 15.96 %, middle trunk 16.33 %, lower trunk 11.17 % of body mass. The
 *    carried share is taken as 16.82 % at T1 (head, neck, arms), 32.78 % at T10 (plus the
 *    upper trunk, which ends at the xiphoid), 49.11 % at L3 (plus the middle trunk, which ends
 *    at the navel), 52.83 % at L5 (plus a third of the lower trunk), linear in between by
 *    level. This ignores the level-to-level changes of muscle force that full musculoskeletal
 *    models show (e.g. the thoracolumbar peaks of Bruno et al. 2017, J Bone Miner Res
 *    32:1282-1290), so thoracic figures are rough.
 * 3. `--body-mass` scales every load by bodyMassKg / 70.
 *
 * Categories (< 0.7 low, 0.7..1 elevated, > 1 high) are not validated against fractures and are
 * always labelled UNCALIBRATED.
 */
import { UserError } from '../../core/errors.js';

/** Spinal levels covered by the table. */
export const spinalLevels = [
  'T1',
  'T2',
  'T3',
  'T4',
  'T5',
  'T6',
  'T7',
  'T8',
  'T9',
  'T10',
  'T11',
  'T12',
  'L1',
  'L2',
  'L3',
  'L4',
  'L5',
] as const;

/** A level of the table. */
export type SpinalLevel = (typeof spinalLevels)[number];

/** Activities of the table. */
export const activities = ['standing', 'flexion', 'lifting'] as const;

/** An activity of the table. */
export type Activity = (typeof activities)[number];

/** Body mass the table is written for, kg (Wilke et al. 1999's volunteer). */
export const referenceBodyMassKg = 70;

/** L4-L5 intradiscal pressures in MPa, Wilke et al. 1999. */
const anchorPressureMpa: Record<Activity, number> = {
  standing: 0.5,
  flexion: 1.1,
  lifting: 1.7,
};

/** Assumed L4-L5 disc area (mm2) and pressure-to-force factor. */
const discAreaMm2 = 1800;
const pressureFactor = 0.66;

/** Carried body-mass share at anchor levels (index into spinalLevels), from de Leva 1996. */
const carriedShare: Array<[number, number]> = [
  [0, 0.1682], // T1
  [9, 0.3278], // T10
  [14, 0.4911], // L3
  [16, 0.5283], // L5
];

function shareAt(index: number): number {
  for (let k = 1; k < carriedShare.length; k++) {
    const [i0, s0] = carriedShare[k - 1];
    const [i1, s1] = carriedShare[k];
    if (index <= i1) return s0 + ((s1 - s0) * (index - i0)) / (i1 - i0);
  }
  throw new Error(`level index ${index} outside the table`);
}

/** Compressive load in N on `level` during `activity` for a body of `bodyMassKg`. */
export function physiologicalLoadN(
  level: SpinalLevel,
  activity: Activity,
  bodyMassKg = referenceBodyMassKg,
): number {
  const index = spinalLevels.indexOf(level);
  if (index < 0) throw new UserError(`--level: no physiological load for level '${level}'`);
  if (!(bodyMassKg > 0)) throw new UserError(`--body-mass: must be positive, got ${bodyMassKg}`);
  const anchorN = pressureFactor * anchorPressureMpa[activity] * discAreaMm2;
  const l4 = spinalLevels.indexOf('L4');
  return ((anchorN * shareAt(index)) / shareAt(l4)) * (bodyMassKg / referenceBodyMassKg);
}

/** Risk category of a load-to-strength ratio; always uncalibrated. */
export type RiskCategory = 'low' | 'elevated' | 'high';

/** Load-to-strength figures for the report. */
export interface LoadToStrength {
  readonly level: SpinalLevel;
  readonly activity: Activity;
  readonly bodyMassKg: number;
  readonly bodyMassGiven: boolean;
  readonly loadN: number;
  readonly failureLoadN: number;
  readonly ratio: number;
  readonly category: RiskCategory;
  readonly calibrated: false;
  readonly note: string;
}

/** Category of a ratio: < 0.7 low, 0.7..1 elevated, > 1 high. */
export function riskCategory(ratio: number): RiskCategory {
  if (ratio < 0.7) return 'low';
  if (ratio <= 1) return 'elevated';
  return 'high';
}

/** True when `name` is a level of the table. */
export function isSpinalLevel(name: string): name is SpinalLevel {
  return (spinalLevels as readonly string[]).includes(name);
}

/** Load-to-strength ratio of a vertebra at `level` with failure load `failureLoadN` (N). */
export function loadToStrength(
  level: SpinalLevel,
  activity: Activity,
  failureLoadN: number,
  bodyMassKg?: number,
): LoadToStrength {
  const mass = bodyMassKg ?? referenceBodyMassKg;
  const loadN = physiologicalLoadN(level, activity, mass);
  const ratio = loadN / failureLoadN;
  return {
    level,
    activity,
    bodyMassKg: mass,
    bodyMassGiven: bodyMassKg !== undefined,
    loadN,
    failureLoadN,
    ratio,
    category: riskCategory(ratio),
    calibrated: false,
    note: 'UNCALIBRATED: categories < 0.7 low, 0.7..1 elevated, > 1 high are not validated',
  };
}
