/**
 * Conversions between world millimetres and voxel indices for a {@link GridGeometry}: the
 * inverse affine, voxel centres, nearest voxels. Voxel (i, j, k) has its centre at integer
 * continuous index (i, j, k).
 */
import { invertAffine } from '../input/labelMap.js';
import type { GridGeometry } from '../input/volume.js';

/** A 3x4 row-major affine (rotation/scale then translation). */
export type Affine3x4 = Float64Array;

/** The 3x4 affine taking world mm to continuous voxel indices (inverse of voxelToWorld). */
export function worldToVoxelAffine(grid: GridGeometry): Affine3x4 {
  return invertAffine(grid.voxelToWorld);
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
