/**
 * The voxel-to-world transform of a NIfTI header, in NIfTI RAS+ millimetres.
 *
 * Rules: the sform when sform_code > 0, else the qform (quaternion, qfac, pixdim, offsets) when
 * qform_code > 0, else the voxel sizes alone (with a warning). When both forms are set and their
 * voxel-centre positions at the volume's eight corners differ by more than a tenth of the smallest
 * voxel, the sform is used and a warning names both. Spatial units come from xyzt_units: metres
 * and micrometres are converted to mm; an unknown unit is taken as mm with a warning.
 */
import { UserError } from '../core/errors.js';
import type { NiftiHeader } from './niftiHeader.js';

/** Which header transform produced the affine. */
export type TransformSource = 'sform' | 'qform' | 'pixdim';

/** The chosen voxel-to-world transform and why it was chosen. */
export interface NiftiGeometry {
  /** Row-major 4x4 voxel-to-world affine in mm. */
  readonly voxelToWorld: Float64Array;
  /** Voxel edge lengths in mm (column norms of the affine). */
  readonly spacingMm: [number, number, number];
  /** The transform used. */
  readonly source: TransformSource;
  /** One sentence saying why that transform was used. */
  readonly reason: string;
  /** Spatial unit of the header, as written there ('mm', 'm', 'um' or 'unknown'). */
  readonly units: 'mm' | 'm' | 'um' | 'unknown';
  /** Orientation code: the world direction each voxel axis points to, e.g. 'RAS', 'LPS', 'PIR'. */
  readonly orientation: string;
  /** Warnings raised while choosing the transform. */
  readonly warnings: string[];
}

/** Rotation matrix (row-major 3x3) of the unit quaternion with vector part (b, c, d). */
export function quaternionToRotation(b: number, c: number, d: number): number[] {
  let sum = b * b + c * c + d * d;
  let a = 0;
  if (sum > 1) {
    const norm = Math.sqrt(sum);
    b /= norm;
    c /= norm;
    d /= norm;
    sum = 1;
  } else {
    a = Math.sqrt(1 - sum);
  }
  return [
    a * a + b * b - c * c - d * d,
    2 * (b * c - a * d),
    2 * (b * d + a * c),
    2 * (b * c + a * d),
    a * a + c * c - b * b - d * d,
    2 * (c * d - a * b),
    2 * (b * d - a * c),
    2 * (c * d + a * b),
    a * a + d * d - b * b - c * c,
  ];
}

function unitsOf(header: NiftiHeader): { units: NiftiGeometry['units']; toMm: number } {
  switch (header.xyztUnits & 7) {
    case 1:
      return { units: 'm', toMm: 1000 };
    case 2:
      return { units: 'mm', toMm: 1 };
    case 3:
      return { units: 'um', toMm: 0.001 };
    default:
      return { units: 'unknown', toMm: 1 };
  }
}

function checkVoxelSizes(header: NiftiHeader, filePath: string): void {
  for (let axis = 1; axis <= 3; axis++) {
    const size = header.pixdim[axis];
    if (!Number.isFinite(size) || size <= 0) {
      throw new UserError(`${filePath}: pixdim[${axis}] is ${size}: voxel sizes must be > 0`);
    }
  }
}

function qformAffine(header: NiftiHeader): Float64Array {
  const rotation = quaternionToRotation(...header.quatern);
  const qfac = header.pixdim[0] < 0 ? -1 : 1;
  const scale = [header.pixdim[1], header.pixdim[2], qfac * header.pixdim[3]];
  const affine = new Float64Array(16);
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) affine[4 * row + col] = rotation[3 * row + col] * scale[col];
    affine[4 * row + 3] = header.qoffset[row];
  }
  affine[15] = 1;
  return affine;
}

function sformAffine(header: NiftiHeader): Float64Array {
  const affine = new Float64Array(16);
  affine.set(header.srow, 0);
  affine[15] = 1;
  return affine;
}

function pixdimAffine(header: NiftiHeader): Float64Array {
  const affine = new Float64Array(16);
  affine[0] = header.pixdim[1];
  affine[5] = header.pixdim[2];
  affine[10] = header.pixdim[3];
  affine[15] = 1;
  return affine;
}

/** World position (mm) of voxel (i, j, k) under a row-major 4x4 affine. */
export function voxelToWorldPoint(affine: Float64Array, i: number, j: number, k: number) {
  return [0, 1, 2].map(
    (row) =>
      affine[4 * row] * i + affine[4 * row + 1] * j + affine[4 * row + 2] * k + affine[4 * row + 3],
  ) as [number, number, number];
}

/** Largest distance (mm) between two affines' images of the 8 corner voxel centres of `dims`. */
export function cornerDisagreementMm(
  first: Float64Array,
  second: Float64Array,
  dims: readonly [number, number, number],
): number {
  let worst = 0;
  for (let corner = 0; corner < 8; corner++) {
    const i = corner & 1 ? dims[0] - 1 : 0;
    const j = corner & 2 ? dims[1] - 1 : 0;
    const k = corner & 4 ? dims[2] - 1 : 0;
    const p = voxelToWorldPoint(first, i, j, k);
    const q = voxelToWorldPoint(second, i, j, k);
    worst = Math.max(worst, Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]));
  }
  return worst;
}

/** Column norms of the affine's 3x3 part: the voxel edge lengths. */
export function columnNorms(affine: Float64Array): [number, number, number] {
  const norm = (col: number) => Math.hypot(affine[col], affine[4 + col], affine[8 + col]);
  return [norm(0), norm(1), norm(2)];
}

/** Determinant of the affine's 3x3 part (signed voxel volume in mm3). */
export function determinant3(affine: Float64Array): number {
  const [a, b, c, , d, e, f, , g, h, i] = affine;
  return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
}

/**
 * Orientation code of an affine: for each voxel axis, the letter of the world direction it
 * points to most (R/L for x, A/P for y, S/I for z), each world axis used once.
 */
export function orientationCode(affine: Float64Array): string {
  const letters = [
    ['R', 'L'],
    ['A', 'P'],
    ['S', 'I'],
  ];
  const entries: { row: number; col: number; size: number }[] = [];
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) {
      entries.push({ row, col, size: Math.abs(affine[4 * row + col]) });
    }
  }
  entries.sort((x, y) => y.size - x.size);

  const code = ['?', '?', '?'];
  const rowUsed = [false, false, false];
  for (const { row, col } of entries) {
    if (rowUsed[row] || code[col] !== '?') continue;
    rowUsed[row] = true;
    code[col] = letters[row][affine[4 * row + col] >= 0 ? 0 : 1];
  }
  return code.join('');
}

function scaleAffine(affine: Float64Array, toMm: number): void {
  for (let n = 0; n < 12; n++) affine[n] *= toMm;
}

/**
 * Voxel sizes a CT of the spine can have, mm: from micro-CT (about 0.05) to the thickest clinical
 * slices (10). Outside it the units or the transform are wrong.
 */
export const ctVoxelRangeMm: readonly [number, number] = [0.05, 10];

/** Chooses and builds the voxel-to-world affine of a header (see the module rules). */
export function niftiGeometry(
  header: NiftiHeader,
  dims: readonly [number, number, number],
  filePath: string,
): NiftiGeometry {
  const warnings: string[] = [];
  const { units, toMm } = unitsOf(header);
  if (units === 'unknown') {
    warnings.push(`${filePath}: xyzt_units gives no spatial unit: millimetres assumed`);
  }

  let affine: Float64Array;
  let source: TransformSource;
  let reason: string;
  if (header.sformCode > 0) {
    affine = sformAffine(header);
    source = 'sform';
    reason = `sform_code is ${header.sformCode}`;
    if (header.qformCode > 0) {
      checkVoxelSizes(header, filePath);
      const qform = qformAffine(header);
      const apart = cornerDisagreementMm(affine, qform, dims);
      const smallest = Math.min(...columnNorms(affine));
      if (apart > 0.1 * smallest) {
        warnings.push(
          `${filePath}: sform (code ${header.sformCode}) and qform (code ${header.qformCode}) ` +
            `disagree by ${(apart * toMm).toFixed(3)} mm at the corners: the sform is used`,
        );
        reason += `; the qform (code ${header.qformCode}) disagrees and is ignored`;
      } else {
        reason += `; the qform (code ${header.qformCode}) agrees`;
      }
    }
  } else if (header.qformCode > 0) {
    checkVoxelSizes(header, filePath);
    affine = qformAffine(header);
    source = 'qform';
    reason = `sform_code is 0 and qform_code is ${header.qformCode}`;
  } else {
    checkVoxelSizes(header, filePath);
    affine = pixdimAffine(header);
    source = 'pixdim';
    reason = 'sform_code and qform_code are both 0: voxel sizes only, orientation unknown';
    warnings.push(`${filePath}: no sform or qform: orientation unknown, voxel sizes used alone`);
  }
  scaleAffine(affine, toMm);

  const spacingMm = columnNorms(affine);
  const volume = determinant3(affine);
  if (!affine.every(Number.isFinite) || !(Math.abs(volume) > 0)) {
    throw new UserError(
      `${filePath}: ${source} gives voxel sizes ${spacingMm.join(' x ')} mm: ` +
        'zero, negative or not finite',
    );
  }
  if (source === 'qform') {
    const length = Math.hypot(...header.quatern);
    if (length > 1 + 1e-4) {
      warnings.push(
        `${filePath}: quatern_b, c, d have length ${length.toFixed(4)} > 1: not a rotation, ` +
          'normalised (check the qform)',
      );
    }
  }
  if (spacingMm.some((size) => size < ctVoxelRangeMm[0] || size > ctVoxelRangeMm[1])) {
    warnings.push(
      `${filePath}: voxel sizes ${spacingMm.map((size) => size.toPrecision(4)).join(' x ')} mm ` +
        `are outside ${ctVoxelRangeMm.join('..')} mm, not those of a CT: check xyzt_units ` +
        `(${units}) and the ${source}`,
    );
  }
  return {
    voxelToWorld: affine,
    spacingMm,
    source,
    reason,
    units,
    orientation: orientationCode(affine),
    warnings,
  };
}
