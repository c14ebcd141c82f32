/**
 * Density-to-modulus laws for bone: named, switchable, each with its source. Every law takes the
 * equivalent density rho_QCT in mg/cm3 (the input layer's unit), converts it to g/cm3 and to the
 * density measure the law was fitted on, and returns Young's modulus in MPa, floored at
 * {@link modulusFloorMpa} and capped at {@link modulusCeilingMpa}.
 *
 * The density chain of the power laws on apparent or ash density is Schileo et al. 2008 (J
 * Biomech 41:356-367): rho_ash = 0.877 * rho_QCT + 0.0789 and rho_app = rho_ash / 0.6, all in
 * g/cm3.
 */
import { UserError } from '../core/errors.js';

/** Names of the available laws. */
export type MaterialLawName =
  'morgan2003-vertebra' | 'kopperdahl2002' | 'power-1.05' | 'keller1994';

/** A density-to-modulus law. */
export interface MaterialLaw {
  /** Name used on the command line and in reports. */
  readonly name: MaterialLawName;
  /** The formula in words, with the density measure it applies to. */
  readonly formula: string;
  /** Young's modulus in MPa (floored and capped) for rho_QCT in mg/cm3. */
  modulusMpa(rhoQctMgCm3: number): number;
}

/** Lowest modulus any bone voxel gets, in MPa (keeps the stiffness matrix definite). */
export const modulusFloorMpa = 1;
/** Highest modulus any bone voxel gets, in MPa (about fully dense cortical bone). */
export const modulusCeilingMpa = 20000;
/** Poisson's ratio of bone in every law. */
export const bonePoissonRatio = 0.3;
/** The law used when none is named. */
export const defaultMaterialLawName: MaterialLawName = 'morgan2003-vertebra';

/** Ash density in g/cm3 from rho_QCT in mg/cm3 (Schileo et al. 2008). */
export function ashDensityGCm3(rhoQctMgCm3: number): number {
  return 0.877 * (rhoQctMgCm3 / 1000) + 0.0789;
}

/** Apparent (wet) density in g/cm3 from rho_QCT in mg/cm3 (Schileo et al. 2008). */
export function apparentDensityGCm3(rhoQctMgCm3: number): number {
  return ashDensityGCm3(rhoQctMgCm3) / 0.6;
}

/** Clamps a modulus in MPa to [{@link modulusFloorMpa}, {@link modulusCeilingMpa}]. */
export function clampModulusMpa(modulusMpa: number): number {
  if (!(modulusMpa > modulusFloorMpa)) return modulusFloorMpa;
  return modulusMpa < modulusCeilingMpa ? modulusMpa : modulusCeilingMpa;
}

/** A power of a density that may be negative (very low CT values): 0 below zero density. */
function power(densityGCm3: number, exponent: number): number {
  return densityGCm3 > 0 ? Math.pow(densityGCm3, exponent) : 0;
}

/**
 * Vertebral trabecular bone, Morgan, Bayraktar & Keaveny 2003 (J Biomech 36:897-904, vertebra
 * site): E = 4730 * rho_app^1.56 MPa, rho_app in g/cm3 from the Schileo 2008 chain.
 */
const morgan2003Vertebra: MaterialLaw = {
  name: 'morgan2003-vertebra',
  formula: 'E = 4730 * rho_app^1.56 MPa, rho_app = (0.877 * rho_QCT + 0.0789) / 0.6 g/cm3',
  modulusMpa: (rho) => clampModulusMpa(4730 * power(apparentDensityGCm3(rho), 1.56)),
};

/**
 * Vertebral trabecular bone against QCT density, Kopperdahl, Morgan & Keaveny 2002 (J Orthop Res
 * 20:801-805), as used by Crawford, Cann & Keaveny 2003 (Bone 33:744-750):
 * E = -34.7 + 3230 * rho_QCT MPa, rho_QCT in g/cm3.
 */
const kopperdahl2002: MaterialLaw = {
  name: 'kopperdahl2002',
  formula: 'E = -34.7 + 3230 * rho_QCT MPa, rho_QCT in g/cm3',
  modulusMpa: (rho) => clampModulusMpa(-34.7 + 3230 * (rho / 1000)),
};

/**
 * A near-linear power law, E = 2980 * rho_app^1.05 MPa, applied here to the apparent density
 * rho_app in g/cm3 from the Schileo 2008 chain. The coefficients are those of the project's
 * design brief, which names no primary source; treat results with this law as a sensitivity case.
 */
const power105: MaterialLaw = {
  name: 'power-1.05',
  formula: 'E = 2980 * rho_app^1.05 MPa, rho_app = (0.877 * rho_QCT + 0.0789) / 0.6 g/cm3',
  modulusMpa: (rho) => clampModulusMpa(2980 * power(apparentDensityGCm3(rho), 1.05)),
};

/**
 * Keller 1994 (J Biomech 27:1159-1168), pooled femoral and vertebral bone on ash density:
 * E = 1890 * rho_ash^1.92 MPa, rho_ash in g/cm3 from the Schileo 2008 chain.
 */
const keller1994: MaterialLaw = {
  name: 'keller1994',
  formula: 'E = 1890 * rho_ash^1.92 MPa, rho_ash = 0.877 * rho_QCT + 0.0789 g/cm3',
  modulusMpa: (rho) => clampModulusMpa(1890 * power(ashDensityGCm3(rho), 1.92)),
};

/** Every law by name. */
export const materialLaws: Readonly<Record<MaterialLawName, MaterialLaw>> = {
  'morgan2003-vertebra': morgan2003Vertebra,
  kopperdahl2002,
  'power-1.05': power105,
  keller1994,
};

/**
 * The law called `name`; a UserError naming `source` (e.g. the option `--law`) when unknown.
 */
export function materialLaw(name: string, source = '--law'): MaterialLaw {
  const law = (materialLaws as Record<string, MaterialLaw | undefined>)[name];
  if (law === undefined) {
    const known = Object.keys(materialLaws).join(', ');
    throw new UserError(`${source}: unknown material law '${name}' (laws: ${known})`);
  }
  return law;
}
