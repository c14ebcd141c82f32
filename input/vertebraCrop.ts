/**
 * Cropping a selection to its bounding box plus a margin, and measuring its bone: voxel count,
 * volume in mm3 and the world bounds of the voxel centres.
 */
import { VoxelRegion, type GridGeometry } from './volume.js';
import { determinant3, voxelToWorldPoint } from './niftiGeometry.js';

function boundsOf(regions: Uint8Array, dims: readonly [number, number, number]) {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-1, -1, -1];
  const [nx, ny] = dims;
  for (let n = 0; n < regions.length; n++) {
    if (regions[n] === 0) continue;
    const ijk = [n % nx, Math.floor(n / nx) % ny, Math.floor(n / (nx * ny))];
    for (let a = 0; a < 3; a++) {
      if (ijk[a] < lo[a]) lo[a] = ijk[a];
      if (ijk[a] > hi[a]) hi[a] = ijk[a];
    }
  }
  return { lo, hi };
}

const boneRegions = new Set<number>([
  VoxelRegion.BodyTrabecular,
  VoxelRegion.BodyCortical,
  VoxelRegion.PosteriorTrabecular,
  VoxelRegion.PosteriorCortical,
  VoxelRegion.Vertebra,
]);

/** Size and world extent of the bone voxels of a selection. */
export interface BoneMeasure {
  /** Bone voxels (caps excluded). */
  readonly voxels: number;
  /** Their volume in mm3 (count times the voxel volume). */
  readonly volumeMm3: number;
  /** Smallest world coordinates (mm) of the bone voxels' centres. */
  readonly worldMinMm: [number, number, number];
  /** Largest world coordinates (mm) of the bone voxels' centres. */
  readonly worldMaxMm: [number, number, number];
  /** Whether a bone voxel lies on the volume's outer layer. */
  readonly touchesBorder: boolean;
}

/** Measures the bone (regions 1..4 and 7) of `regions` on `grid`. */
export function measureBone(regions: Uint8Array, grid: GridGeometry): BoneMeasure {
  const [nx, ny, nz] = grid.dims;
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  let voxels = 0;
  let touchesBorder = false;
  for (let n = 0; n < regions.length; n++) {
    if (!boneRegions.has(regions[n])) continue;
    voxels++;
    const i = n % nx;
    const j = Math.floor(n / nx) % ny;
    const k = Math.floor(n / (nx * ny));
    if (i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1) {
      touchesBorder = true;
    }
    const p = voxelToWorldPoint(grid.voxelToWorld, i, j, k);
    for (let a = 0; a < 3; a++) {
      min[a] = Math.min(min[a], p[a]);
      max[a] = Math.max(max[a], p[a]);
    }
  }
  const volumeMm3 = voxels * Math.abs(determinant3(grid.voxelToWorld));
  return { voxels, volumeMm3, worldMinMm: min, worldMaxMm: max, touchesBorder };
}

/** A box of voxels: its first voxel (i, j, k) and its dims. */
export interface Crop {
  readonly origin: [number, number, number];
  readonly dims: [number, number, number];
}

/** Bounding box of the non-zero voxels of `regions`, grown by `margin` voxels, clamped. */
export function cropBox(
  regions: Uint8Array,
  dims: readonly [number, number, number],
  margin: number,
): Crop {
  const { lo, hi } = boundsOf(regions, dims);
  const origin = [0, 1, 2].map((a) => Math.max(0, lo[a] - margin)) as Crop['origin'];
  const end = [0, 1, 2].map((a) => Math.min(dims[a] - 1, hi[a] + margin));
  return { origin, dims: [0, 1, 2].map((a) => end[a] - origin[a] + 1) as Crop['dims'] };
}

/** The part of `source` (on a grid of `sourceDims`) inside `crop`. */
export function cropArray<T extends Float32Array | Float64Array | Uint8Array>(
  source: T,
  sourceDims: readonly [number, number, number],
  crop: Crop,
  make: (length: number) => T,
): T {
  const [cx, cy, cz] = crop.dims;
  const [ox, oy, oz] = crop.origin;
  const out = make(cx * cy * cz);
  for (let k = 0; k < cz; k++) {
    for (let j = 0; j < cy; j++) {
      const from = ox + sourceDims[0] * (oy + j + sourceDims[1] * (oz + k));
      out.set(source.subarray(from, from + cx), cx * (j + cy * k));
    }
  }
  return out;
}

/** The affine of a crop starting at voxel `origin`. */
export function croppedAffine(affine: Float64Array, origin: readonly number[]): Float64Array {
  const out = Float64Array.from(affine);
  const shifted = voxelToWorldPoint(affine, origin[0], origin[1], origin[2]);
  for (let row = 0; row < 3; row++) out[4 * row + 3] = shifted[row];
  return out;
}
