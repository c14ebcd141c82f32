/**
 * Conversions between world millimetres and voxel indices for a {@link GridGeometry}: the
 * inverse affine, voxel centres, nearest voxels. Voxel (i, j, k) has its centre at integer
 * continuous index (i, j, k).
 */
import type { GridGeometry } from '../input/volume.js';

/** A 3x4 row-major affine (rotation/scale then translation). */
export type Affine3x4 = Float64Array;

/** The 3x4 affine taking world mm to continuous voxel indices (inverse of voxelToWorld). */
export function worldToVoxelAffine(grid: GridGeometry): Affine3x4 {
  const m = grid.voxelToWorld;
  const a = m[0],
    b = m[1],
    c = m[2];
  const d = m[4],
    e = m[5],
    f = m[6];
  const g = m[8],
    h = m[9],
    i = m[10];
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (!(Math.abs(det) > 1e-12)) throw new Error(`voxel-to-world affine is singular (det ${det})`);

  // prettier-ignore
  const inv = [
    (e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
    (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
    (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det,
  ];
  const t = [m[3], m[7], m[11]];
  const out = new Float64Array(12);
  for (let r = 0; r < 3; r++) {
    out[4 * r] = inv[3 * r];
    out[4 * r + 1] = inv[3 * r + 1];
    out[4 * r + 2] = inv[3 * r + 2];
    out[4 * r + 3] = -(inv[3 * r] * t[0] + inv[3 * r + 1] * t[1] + inv[3 * r + 2] * t[2]);
  }
  return out;
}

/** Applies a 3x4 affine to (x, y, z), writing the result into `out`. */
export function applyAffine(
  out: Float64Array,
  affine: Affine3x4 | Float64Array,
  x: number,
  y: number,
  z: number,
): Float64Array {
  for (let r = 0; r < 3; r++) {
    out[r] = affine[4 * r] * x + affine[4 * r + 1] * y + affine[4 * r + 2] * z + affine[4 * r + 3];
  }
  return out;
}

/** World coordinates in mm of the centre of voxel (i, j, k), written into `out`. */
export function voxelCentreMm(
  out: Float64Array,
  grid: GridGeometry,
  i: number,
  j: number,
  k: number,
): Float64Array {
  return applyAffine(out, grid.voxelToWorld, i, j, k);
}

/** Volume of one voxel in mm3 (absolute determinant of the affine's 3x3 part). */
export function voxelVolumeMm3(grid: GridGeometry): number {
  const m = grid.voxelToWorld;
  const det =
    m[0] * (m[5] * m[10] - m[6] * m[9]) -
    m[1] * (m[4] * m[10] - m[6] * m[8]) +
    m[2] * (m[4] * m[9] - m[5] * m[8]);
  return Math.abs(det);
}

/** Index of the voxel nearest to continuous voxel coordinates, or -1 outside the grid. */
export function nearestVoxelIndex(grid: GridGeometry, u: number, v: number, w: number): number {
  const [ni, nj, nk] = grid.dims;
  const i = Math.round(u);
  const j = Math.round(v);
  const k = Math.round(w);
  if (i < 0 || j < 0 || k < 0 || i >= ni || j >= nj || k >= nk) return -1;
  return i + ni * (j + nj * k);
}
