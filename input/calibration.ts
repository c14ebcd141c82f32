/**
 * Calibration from CT numbers (HU) to equivalent density rho_QCT in mg/cm3, a straight line
 * rho = intercept + slope * HU, from one of: two numbers given by the user, a least-squares fit
 * to a phantom table, input already in density (identity), or the generic line below.
 *
 * The generic line is rho = 1.0 mg/cm3 per HU * HU + 0: the rough equivalence of one HU and one
 * mg/cm3 of bone mineral, used only so that an uncalibrated scan still runs. It is not a
 * measured K2HPO4 calibration: K2HPO4-referenced densities depend on the phantom material and
 * on the tube voltage (Goodsitt, Bone and Mineral 19:145-158, 1992, reports K2HPO4-to-
 * hydroxyapatite ratios of 0.81 to 1.02 between 80 kVp, 140 kVp and dual energy), so densities
 * on the generic line can be off by tens of percent and are flagged `calibrated: false`.
 *
 * Voxels at or below -1500 HU (padding outside the field of view, e.g. -2048 or -3024) and
 * non-finite voxels are flagged invalid and never converted: their density is stored as 0.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../core/errors.js';

/** Where a calibration line came from. */
export type CalibrationKind = 'linear' | 'phantom' | 'density' | 'generic';

/** A line rho_QCT [mg/cm3] = interceptMgCm3 + slopeMgCm3PerHu * HU. */
export interface Calibration {
  readonly kind: CalibrationKind;
  /** Intercept in mg/cm3. */
  readonly interceptMgCm3: number;
  /** Slope in mg/cm3 per HU. */
  readonly slopeMgCm3PerHu: number;
  /** Pearson correlation of a phantom fit. */
  readonly r?: number;
  /** Number of phantom inserts fitted. */
  readonly inserts?: number;
}

/** The generic uncalibrated line (see the module documentation for its basis and limits). */
export const genericCalibration: Calibration = {
  kind: 'generic',
  interceptMgCm3: 0,
  slopeMgCm3PerHu: 1,
};

/** The identity used when the image already holds density in mg/cm3. */
export const densityInputCalibration: Calibration = {
  kind: 'density',
  interceptMgCm3: 0,
  slopeMgCm3PerHu: 1,
};

/** HU at or below which a voxel is padding outside the field of view. */
export const paddingLimitHu = -1500;

/** Correlation below which a phantom fit warns. */
export const phantomWarnR = 0.98;

/** Correlation below which a phantom fit is refused. */
export const phantomRefuseR = 0.9;

/** Parses `--calibration A,B` (rho = A + B * HU, A in mg/cm3, B in mg/cm3 per HU). */
export function parseLinearCalibration(text: string): Calibration {
  const parts = text.split(',').map((part) => part.trim());
  const numbers = parts.map(Number);
  if (parts.length !== 2 || parts.some((p) => p === '') || !numbers.every(Number.isFinite)) {
    throw new UserError(`--calibration: '${text}' is not two numbers A,B (rho = A + B*HU)`);
  }
  if (numbers[1] <= 0) {
    throw new UserError(`--calibration: slope B is ${numbers[1]}, expected > 0 mg/cm3 per HU`);
  }
  return { kind: 'linear', interceptMgCm3: numbers[0], slopeMgCm3PerHu: numbers[1] };
}

/** One phantom insert: its mean CT number and its nominal density. */
export interface PhantomInsert {
  readonly hu: number;
  readonly densityMgCm3: number;
}

/**
 * Reads a phantom CSV: one insert per line, `HU,density_mg_cm3` (comma, semicolon or tab). A
 * first line that is not numeric is a header; blank lines and lines starting with # are skipped.
 */
export function readPhantomTable(filePath: string): PhantomInsert[] {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw new UserError(`${filePath}: cannot read the phantom table (${code})`);
  }

  const inserts: PhantomInsert[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/[,;\t]/).map((f) => f.trim());
    const values = fields.map(Number);
    const numeric = fields.length >= 2 && values.slice(0, 2).every(Number.isFinite);
    if (!numeric && inserts.length === 0 && n === lines.findIndex((l) => l.trim() !== '')) {
      continue;
    }
    if (!numeric) {
      throw new UserError(`${filePath}: line ${n + 1} '${line}' is not 'HU,density_mg_cm3'`);
    }
    inserts.push({ hu: values[0], densityMgCm3: values[1] });
  }
  return inserts;
}

/**
 * Least-squares line through phantom inserts, density on HU. Needs 3 inserts or more with
 * distinct HU; r is Pearson's correlation. Below {@link phantomRefuseR} it is an error, below
 * {@link phantomWarnR} a warning is returned.
 */
export function fitPhantom(
  inserts: readonly PhantomInsert[],
  filePath: string,
): { calibration: Calibration; warnings: string[] } {
  const count = inserts.length;
  if (count < 3) {
    throw new UserError(`${filePath}: ${count} phantom inserts, at least 3 are needed`);
  }

  let meanHu = 0;
  let meanRho = 0;
  for (const { hu, densityMgCm3 } of inserts) {
    meanHu += hu / count;
    meanRho += densityMgCm3 / count;
  }
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const { hu, densityMgCm3 } of inserts) {
    sxx += (hu - meanHu) ** 2;
    syy += (densityMgCm3 - meanRho) ** 2;
    sxy += (hu - meanHu) * (densityMgCm3 - meanRho);
  }
  if (!(sxx > 0) || !(syy > 0)) {
    throw new UserError(`${filePath}: phantom HU or densities are all equal: no line fits`);
  }

  const slope = sxy / sxx;
  const intercept = meanRho - slope * meanHu;
  const r = sxy / Math.sqrt(sxx * syy);
  if (r < phantomRefuseR) {
    throw new UserError(
      `${filePath}: phantom fit r = ${r.toFixed(4)} is below ${phantomRefuseR}: check the table`,
    );
  }
  const warnings =
    r < phantomWarnR
      ? [`${filePath}: phantom fit r = ${r.toFixed(4)} is below ${phantomWarnR}: poor calibration`]
      : [];
  const calibration: Calibration = {
    kind: 'phantom',
    interceptMgCm3: intercept,
    slopeMgCm3PerHu: slope,
    r,
    inserts: count,
  };
  return { calibration, warnings };
}

/** Density per voxel and the invalid flags, from scaled image values. */
export interface DensityConversion {
  /** rho_QCT in mg/cm3 (0 where invalid). */
  readonly densityMgCm3: Float32Array;
  /** 1 where the voxel is padding or non-finite. */
  readonly invalid: Uint8Array;
  /** Non-finite voxels among those converted. */
  readonly nonFinite: number;
  /** Padding voxels (HU <= -1500) among those converted. */
  readonly padding: number;
}

/**
 * Converts image values to density with `calibration`. HU input (any kind but 'density') flags
 * padding at or below {@link paddingLimitHu}; every kind flags non-finite values.
 */
export function convertToDensity(
  values: ArrayLike<number>,
  calibration: Calibration,
): DensityConversion {
  const count = values.length;
  const densityMgCm3 = new Float32Array(count);
  const invalid = new Uint8Array(count);
  const checkPadding = calibration.kind !== 'density';
  let nonFinite = 0;
  let padding = 0;

  for (let n = 0; n < count; n++) {
    const value = values[n];
    if (!Number.isFinite(value)) {
      invalid[n] = 1;
      nonFinite++;
    } else if (checkPadding && value <= paddingLimitHu) {
      invalid[n] = 1;
      padding++;
    } else {
      densityMgCm3[n] = calibration.interceptMgCm3 + calibration.slopeMgCm3PerHu * value;
    }
  }
  return { densityMgCm3, invalid, nonFinite, padding };
}
