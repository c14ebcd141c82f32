/**
 * Label maps: integer check, label counts, nearest-neighbour resampling onto the CT grid, and the
 * choice of one vertebra by level or raw label (conventions in `labelConventions.ts`).
 *
 * Without --level or --label, a map whose labels all lie in 1..6 (two or more of them) is read
 * as the `regions` scheme of one cropped vertebra, and a map with a single label as a binary
 * vertebra mask; a VerSe map of C1..C6 therefore needs --level or --label.
 */
import { UserError } from '../core/errors.js';
import type { GridGeometry } from './volume.js';
import { VoxelRegion } from './volume.js';
import type { NiftiImage } from './niftiFile.js';
import { cornerDisagreementMm } from './niftiGeometry.js';
import {
  describeLabels,
  fitsConvention,
  labelConventions,
  labelName,
  labelOfLevel,
  type LabelConvention,
} from './labelConventions.js';

/** One label and how many voxels carry it. */
export interface LabelCount {
  readonly label: number;
  readonly voxels: number;
}

/**
 * Integer labels of a NIfTI image; a non-integer, non-finite or negative value is a user error.
 */
export function integerLabels(image: NiftiImage): Int32Array {
  const labels = new Int32Array(image.values.length);
  for (let n = 0; n < labels.length; n++) {
    const value = image.values[n];
    if (!Number.isInteger(value) || Math.abs(value) > 2 ** 31 - 1) {
      throw new UserError(
        `${image.filePath}: voxel ${n} holds ${value}: a label map needs integer values`,
      );
    }
    if (value < 0) {
      throw new UserError(
        `${image.filePath}: voxel ${n} holds ${value}: labels are >= 0 (is this the CT?)`,
      );
    }
    labels[n] = value;
  }
  return labels;
}

/** Non-zero labels present, ascending, with their voxel counts. */
export function countLabels(labels: Int32Array): LabelCount[] {
  const counts = new Map<number, number>();
  for (let n = 0; n < labels.length; n++) {
    const label = labels[n];
    if (label !== 0) counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([label, voxels]) => ({ label, voxels }));
}

/**
 * Inverse of a row-major 4x4 affine whose last row is 0 0 0 1. Its first 12 entries are also a
 * row-major 3x4 affine (stride 4), which is how the meshing layer applies it.
 */
export function invertAffine(affine: Float64Array): Float64Array {
  const [a, b, c, tx, d, e, f, ty, g, h, i, tz] = affine;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (!(Math.abs(det) > 1e-12)) throw new Error(`voxel-to-world affine is singular (det ${det})`);
  const m = [
    (e * i - f * h) / det,
    (c * h - b * i) / det,
    (b * f - c * e) / det,
    (f * g - d * i) / det,
    (a * i - c * g) / det,
    (c * d - a * f) / det,
    (d * h - e * g) / det,
    (b * g - a * h) / det,
    (a * e - b * d) / det,
  ];
  const out = new Float64Array(16);
  for (let row = 0; row < 3; row++) {
    out[4 * row] = m[3 * row];
    out[4 * row + 1] = m[3 * row + 1];
    out[4 * row + 2] = m[3 * row + 2];
    out[4 * row + 3] = -(m[3 * row] * tx + m[3 * row + 1] * ty + m[3 * row + 2] * tz);
  }
  out[15] = 1;
  return out;
}

/** Whether two grids coincide (same dims, corners within a hundredth of a voxel). */
export function sameGrid(first: GridGeometry, second: GridGeometry): boolean {
  if (first.dims.some((size, axis) => size !== second.dims[axis])) return false;
  const apart = cornerDisagreementMm(first.voxelToWorld, second.voxelToWorld, first.dims);
  return apart <= 0.01 * Math.min(...first.spacingMm);
}

/** Labels of `source` sampled nearest-neighbour at the voxel centres of `target` (0 outside). */
export function resampleLabels(
  source: GridGeometry,
  labels: Int32Array,
  target: GridGeometry,
): Int32Array {
  const toSource = invertAffine(source.voxelToWorld);
  const map = new Float64Array(12);
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 4; col++) {
      let sum = col === 3 ? toSource[4 * row + 3] : 0;
      for (let m = 0; m < 3; m++) sum += toSource[4 * row + m] * target.voxelToWorld[4 * m + col];
      map[4 * row + col] = sum;
    }
  }

  const [nx, ny, nz] = target.dims;
  const [sx, sy, sz] = source.dims;
  const out = new Int32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const si = Math.round(map[0] * i + map[1] * j + map[2] * k + map[3]);
        const sj = Math.round(map[4] * i + map[5] * j + map[6] * k + map[7]);
        const sk = Math.round(map[8] * i + map[9] * j + map[10] * k + map[11]);
        if (si < 0 || sj < 0 || sk < 0 || si >= sx || sj >= sy || sk >= sz) continue;
        out[i + nx * (j + ny * k)] = labels[si + sx * (sj + sy * sk)];
      }
    }
  }
  return out;
}

/** What the user asked for in a label map. */
export interface LabelRequest {
  /** Anatomical level, normalised ('L2', 'T12', ...). */
  readonly level?: string;
  /** Raw label value. */
  readonly label?: number;
  /** Convention forced with --labels. */
  readonly convention?: LabelConvention;
}

/** The chosen vertebra in a label map. */
export interface LabelSelection {
  /** {@link VoxelRegion} code per voxel (0 outside the selection). */
  readonly regions: Uint8Array;
  /** Convention used, or undefined for a raw label / binary mask. */
  readonly convention?: LabelConvention;
  /** Label values selected. */
  readonly selectedLabels: number[];
  /** One sentence: what was selected and why. */
  readonly description: string;
}

/** Most labels named in an error line; the rest are counted. */
const maxLabelsNamed = 40;

function presentText(present: number[], conventions = fittingConventions(present)): string {
  const named = describeLabels(present.slice(0, maxLabelsNamed), conventions);
  const rest = present.length - maxLabelsNamed;
  return rest > 0 ? `${named} and ${rest} more` : named;
}

/** The numberings the labels present fit (all of them when none fits), for naming labels. */
function fittingConventions(present: number[]): LabelConvention[] {
  const fitting = labelConventions.filter((c) => fitsConvention(c, present));
  return fitting.length > 0 ? fitting : [...labelConventions];
}

function pick(labels: Int32Array, chosen: ReadonlySet<number>, code: (l: number) => number) {
  const regions = new Uint8Array(labels.length);
  for (let n = 0; n < labels.length; n++) {
    if (chosen.has(labels[n])) regions[n] = code(labels[n]);
  }
  return regions;
}

function conventionForLevel(present: number[], level: string, maskPath: string) {
  const fitting = (['verse', 'totalseg'] as const).filter((c) => fitsConvention(c, present));
  const holding = fitting.filter((c) => present.includes(labelOfLevel(c, level) ?? -1));
  if (holding.length === 1) return holding[0];
  if (holding.length > 1) {
    const codes = holding.map((c) => `${c} ${level} = ${labelOfLevel(c, level)}`).join(', ');
    throw new UserError(
      `${maskPath}: labels present fit both numberings (${codes}): give --labels verse|totalseg`,
    );
  }
  if (fitsConvention('regions', present)) {
    throw new UserError(
      `${maskPath}: no label for ${level}; labels ${present.join(', ')} look like the regions ` +
        'scheme of one cropped vertebra: leave out --level (use --load-level for the load table)',
    );
  }
  throw new UserError(
    `${maskPath}: no label for ${level} (labels present: ${presentText(present)})`,
  );
}

/** Chooses the vertebra of `request` in `labels` (see the module rules). */
export function selectVertebra(
  labels: Int32Array,
  request: LabelRequest,
  maskPath: string,
): LabelSelection {
  const present = countLabels(labels).map((c) => c.label);
  if (present.length === 0) throw new UserError(`${maskPath}: the label map is empty (all 0)`);

  if (request.label !== undefined) {
    const label = request.label;
    if (!present.includes(label)) {
      throw new UserError(
        `${maskPath}: --label ${label} is absent (labels present: ${presentText(present)})`,
      );
    }
    const regions = pick(labels, new Set([label]), () => VoxelRegion.Vertebra);
    const named = request.convention ? ` (${labelName(request.convention, label)})` : '';
    return {
      regions,
      convention: request.convention,
      selectedLabels: [label],
      description: `label ${label}${named} as requested by --label`,
    };
  }

  const regionsScheme =
    request.convention === 'regions' ||
    (request.convention === undefined &&
      request.level === undefined &&
      present.length >= 2 &&
      fitsConvention('regions', present));
  if (regionsScheme) {
    if (!fitsConvention('regions', present)) {
      throw new UserError(
        `${maskPath}: --labels regions needs labels 1..6 (labels present: ${present.join(', ')})`,
      );
    }
    return {
      regions: pick(labels, new Set(present), (l) => l),
      convention: 'regions',
      selectedLabels: present,
      description: 'labels 1..6 read as the regions scheme of one cropped vertebra',
    };
  }

  if (request.level === undefined) {
    if (present.length === 1) {
      return {
        regions: pick(labels, new Set(present), () => VoxelRegion.Vertebra),
        selectedLabels: present,
        description: `the only label, ${present[0]}, as a binary vertebra mask`,
      };
    }
    throw new UserError(
      `${maskPath}: several labels (${presentText(present)}): choose --level or --label`,
    );
  }

  const level = request.level;
  const convention = request.convention ?? conventionForLevel(present, level, maskPath);
  const code = labelOfLevel(convention, level);
  if (code === undefined) {
    throw new UserError(`${maskPath}: the ${convention} numbering has no level ${level}`);
  }
  if (!present.includes(code)) {
    throw new UserError(
      `${maskPath}: no label ${code} (${level} in ${convention}) ` +
        `(labels present: ${presentText(present, [convention])})`,
    );
  }
  const why = request.convention ? 'given by --labels' : 'the only numbering that fits';
  return {
    regions: pick(labels, new Set([code]), () => VoxelRegion.Vertebra),
    convention,
    selectedLabels: [code],
    description: `${level} is label ${code} in the ${convention} numbering (${why})`,
  };
}
