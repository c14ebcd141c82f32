/**
 * Implicit domains for the tetrahedral mesher: a function of world position (mm) that is negative
 * inside the solid, positive outside and roughly a signed distance in mm near its zero level set.
 *
 * - {@link maskDomain}: the smooth surface of a binary voxel mask on any grid (any affine,
 *   rotated, permuted or mirrored), by Gaussian smoothing and trilinear interpolation.
 * - {@link sphereDomain}, {@link cylinderDomain}, {@link boxDomain}: exact signed distances.
 * - {@link halfSpace} and {@link intersectDomains}: flat cuts, e.g. the flat faces of the caps.
 *
 * Limits: the value of a mask domain is a signed distance only near the surface (within about one
 * smoothing width); far from it, it saturates at +-0.5 times the edge width. Intersections take
 * the maximum of the values, which is exact on the surface but not a true distance near creases.
 */

import type { GridGeometry } from '../input/volume.js';
import { invertAffine } from '../input/labelMap.js';

/** Axis-aligned bounds in world mm. Infinite entries mean the domain is unbounded that way. */
export interface BoundsMm {
  readonly min: [number, number, number];
  readonly max: [number, number, number];
}

/** A solid given implicitly: `value < 0` inside, `> 0` outside, roughly a distance in mm. */
export interface ImplicitDomain {
  /** A box holding every point with `value <= 0`, world mm. */
  readonly boundsMm: BoundsMm;
  /** Signed value at world point (x, y, z) in mm: negative inside, positive outside. */
  value(x: number, y: number, z: number): number;
}

/** A ball of `radiusMm` around `centerMm`; the value is the exact signed distance in mm. */
export function sphereDomain(centerMm: readonly number[], radiusMm: number): ImplicitDomain {
  const [cx, cy, cz] = centerMm;
  return {
    boundsMm: {
      min: [cx - radiusMm, cy - radiusMm, cz - radiusMm],
      max: [cx + radiusMm, cy + radiusMm, cz + radiusMm],
    },
    value: (x, y, z) => Math.hypot(x - cx, y - cy, z - cz) - radiusMm,
  };
}

/**
 * A solid circular cylinder along the z axis: radius `radiusMm`, from `zMinMm` to `zMaxMm`,
 * centred on (cx, cy). The value is the exact signed distance in mm.
 */
export function cylinderDomain(
  centerXyMm: readonly number[],
  radiusMm: number,
  zMinMm: number,
  zMaxMm: number,
): ImplicitDomain {
  const [cx, cy] = centerXyMm;
  const zMid = 0.5 * (zMinMm + zMaxMm);
  const halfHeight = 0.5 * (zMaxMm - zMinMm);
  return {
    boundsMm: {
      min: [cx - radiusMm, cy - radiusMm, zMinMm],
      max: [cx + radiusMm, cy + radiusMm, zMaxMm],
    },
    value: (x, y, z) => {
      const radial = Math.hypot(x - cx, y - cy) - radiusMm;
      const axial = Math.abs(z - zMid) - halfHeight;
      return boxDistance(radial, axial, -Infinity);
    },
  };
}

/** An axis-aligned box from `minMm` to `maxMm`; the value is the exact signed distance in mm. */
export function boxDomain(minMm: readonly number[], maxMm: readonly number[]): ImplicitDomain {
  const center = [0, 1, 2].map((a) => 0.5 * (minMm[a] + maxMm[a]));
  const half = [0, 1, 2].map((a) => 0.5 * (maxMm[a] - minMm[a]));
  return {
    boundsMm: { min: [minMm[0], minMm[1], minMm[2]], max: [maxMm[0], maxMm[1], maxMm[2]] },
    value: (x, y, z) =>
      boxDistance(
        Math.abs(x - center[0]) - half[0],
        Math.abs(y - center[1]) - half[1],
        Math.abs(z - center[2]) - half[2],
      ),
  };
}

/** Signed distance to a box from the per-axis excesses |p - c| - half. */
function boxDistance(dx: number, dy: number, dz: number): number {
  const outside = Math.hypot(Math.max(dx, 0), Math.max(dy, 0), Math.max(dz, 0));
  return outside + Math.min(Math.max(dx, dy, dz), 0);
}

/**
 * The half-space of points behind a plane: inside where (p - pointMm) . normal < 0. The normal
 * need not be unit length; the value is the signed distance in mm. Unbounded: intersect it with
 * a bounded domain before meshing.
 */
export function halfSpace(pointMm: readonly number[], normal: readonly number[]): ImplicitDomain {
  const length = Math.hypot(normal[0], normal[1], normal[2]);
  if (!(length > 0)) throw new Error(`halfSpace: normal has zero length`);
  const [nx, ny, nz] = normal.map((c) => c / length);
  const [px, py, pz] = pointMm;
  return {
    boundsMm: { min: [-Infinity, -Infinity, -Infinity], max: [Infinity, Infinity, Infinity] },
    value: (x, y, z) => (x - px) * nx + (y - py) * ny + (z - pz) * nz,
  };
}

/** The intersection of solids: value = max of the values, bounds = overlap of the bounds. */
export function intersectDomains(...domains: ImplicitDomain[]): ImplicitDomain {
  if (domains.length === 0) throw new Error('intersectDomains: no domain given');
  const min: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  const max: [number, number, number] = [Infinity, Infinity, Infinity];
  for (const d of domains) {
    for (let a = 0; a < 3; a++) {
      min[a] = Math.max(min[a], d.boundsMm.min[a]);
      max[a] = Math.min(max[a], d.boundsMm.max[a]);
    }
  }
  return {
    boundsMm: { min, max },
    value: (x, y, z) => {
      let v = -Infinity;
      for (const d of domains) v = Math.max(v, d.value(x, y, z));
      return v;
    },
  };
}

/**
 * The smooth surface of a binary voxel mask (`mask[i + nx*(j + ny*k)] != 0` is inside) on a grid
 * with any affine. The mask is smoothed with a separable Gaussian of standard deviation
 * `smoothingMm` (converted to voxels per axis with the grid's spacing; 0 means no smoothing),
 * then interpolated trilinearly in voxel space through the inverse affine. The zero level set is
 * the 0.5 iso-surface of the smoothed mask; the value `(0.5 - smoothed) * w` with
 * w = sqrt(2 pi smoothingMm^2 + mean spacing^2) is a distance in mm near the surface (w is the
 * width over which a smoothed step rises from 0 to 1). Points outside the grid are outside.
 * Only the mask's bounding box (plus the kernel reach) is stored.
 */
export function maskDomain(
  grid: GridGeometry,
  mask: Uint8Array,
  smoothingMm: number,
): ImplicitDomain {
  const [nx, ny, nz] = grid.dims;
  if (mask.length !== nx * ny * nz) {
    throw new Error(`maskDomain: mask has ${mask.length} voxels, grid has ${nx * ny * nz}`);
  }
  if (!(smoothingMm >= 0)) throw new Error(`maskDomain: smoothingMm = ${smoothingMm}`);
  const sigmaVoxels = grid.spacingMm.map((s) => smoothingMm / s);
  const reach = sigmaVoxels.map((s) => Math.ceil(3 * s) + 1);

  const box = maskBoundingBox(grid.dims, mask);
  const lo = [0, 1, 2].map((a) => box.lo[a] - reach[a]);
  const size = [0, 1, 2].map((a) => box.hi[a] + reach[a] - lo[a] + 1);
  const field = new Float32Array(size[0] * size[1] * size[2]);
  for (let k = box.lo[2]; k <= box.hi[2]; k++) {
    for (let j = box.lo[1]; j <= box.hi[1]; j++) {
      for (let i = box.lo[0]; i <= box.hi[0]; i++) {
        if (mask[i + nx * (j + ny * k)] === 0) continue;
        field[i - lo[0] + size[0] * (j - lo[1] + size[1] * (k - lo[2]))] = 1;
      }
    }
  }
  for (let axis = 0; axis < 3; axis++) gaussianAlongAxis(field, size, axis, sigmaVoxels[axis]);

  const meanSpacing = (grid.spacingMm[0] + grid.spacingMm[1] + grid.spacingMm[2]) / 3;
  const widthMm = Math.sqrt(2 * Math.PI * smoothingMm ** 2 + meanSpacing ** 2);
  const toVoxel = invertAffine(grid.voxelToWorld);
  const [sx, sy] = size;
  const sample = (i: number, j: number, k: number) =>
    i < 0 || j < 0 || k < 0 || i >= size[0] || j >= size[1] || k >= size[2]
      ? 0
      : field[i + sx * (j + sy * k)];

  return {
    boundsMm: worldBounds(grid.voxelToWorld, lo, size),
    value(x, y, z) {
      const u = toVoxel[0] * x + toVoxel[1] * y + toVoxel[2] * z + toVoxel[3] - lo[0];
      const v = toVoxel[4] * x + toVoxel[5] * y + toVoxel[6] * z + toVoxel[7] - lo[1];
      const w = toVoxel[8] * x + toVoxel[9] * y + toVoxel[10] * z + toVoxel[11] - lo[2];
      const i = Math.floor(u);
      const j = Math.floor(v);
      const k = Math.floor(w);
      const fu = u - i;
      const fv = v - j;
      const fw = w - k;
      const c00 = sample(i, j, k) * (1 - fu) + sample(i + 1, j, k) * fu;
      const c10 = sample(i, j + 1, k) * (1 - fu) + sample(i + 1, j + 1, k) * fu;
      const c01 = sample(i, j, k + 1) * (1 - fu) + sample(i + 1, j, k + 1) * fu;
      const c11 = sample(i, j + 1, k + 1) * (1 - fu) + sample(i + 1, j + 1, k + 1) * fu;
      const c0 = c00 * (1 - fv) + c10 * fv;
      const c1 = c01 * (1 - fv) + c11 * fv;
      return (0.5 - (c0 * (1 - fw) + c1 * fw)) * widthMm;
    },
  };
}

/** Inclusive voxel index range of the nonzero voxels; throws if the mask is empty. */
function maskBoundingBox(dims: readonly number[], mask: Uint8Array) {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-1, -1, -1];
  for (let n = 0; n < mask.length; n++) {
    if (mask[n] === 0) continue;
    const i = n % dims[0];
    const j = Math.floor(n / dims[0]) % dims[1];
    const k = Math.floor(n / (dims[0] * dims[1]));
    lo[0] = Math.min(lo[0], i);
    lo[1] = Math.min(lo[1], j);
    lo[2] = Math.min(lo[2], k);
    hi[0] = Math.max(hi[0], i);
    hi[1] = Math.max(hi[1], j);
    hi[2] = Math.max(hi[2], k);
  }
  if (hi[0] < 0) throw new Error('maskDomain: the mask is empty');
  return { lo, hi };
}

/** In-place 1-D Gaussian blur along `axis` (zero outside the array), sigma in voxels. */
function gaussianAlongAxis(field: Float32Array, size: number[], axis: number, sigma: number) {
  if (sigma < 1e-3) return;
  const radius = Math.ceil(3 * sigma);
  const kernel = new Float64Array(2 * radius + 1);
  let total = 0;
  for (let t = -radius; t <= radius; t++)
    total += kernel[t + radius] = Math.exp(-0.5 * (t / sigma) ** 2);
  for (let t = 0; t < kernel.length; t++) kernel[t] /= total;

  const stride = axis === 0 ? 1 : axis === 1 ? size[0] : size[0] * size[1];
  const n = size[axis];
  const line = new Float64Array(n);
  const lines = field.length / n;
  for (let l = 0; l < lines; l++) {
    const inner = l % stride;
    const start = inner + Math.floor(l / stride) * stride * n;
    for (let t = 0; t < n; t++) line[t] = field[start + t * stride];
    for (let t = 0; t < n; t++) {
      let sum = 0;
      const from = Math.max(-radius, -t);
      const to = Math.min(radius, n - 1 - t);
      for (let q = from; q <= to; q++) sum += kernel[q + radius] * line[t + q];
      field[start + t * stride] = sum;
    }
  }
}

/** World bounds of the voxel box [lo - 1, lo + size] (the field is zero beyond it). */
function worldBounds(m: Float64Array, lo: number[], size: number[]): BoundsMm {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let corner = 0; corner < 8; corner++) {
    const v = [0, 1, 2].map((a) => ((corner >> a) & 1 ? lo[a] + size[a] : lo[a] - 1));
    for (let a = 0; a < 3; a++) {
      const w = m[4 * a] * v[0] + m[4 * a + 1] * v[1] + m[4 * a + 2] * v[2] + m[4 * a + 3];
      min[a] = Math.min(min[a], w);
      max[a] = Math.max(max[a], w);
    }
  }
  return { min, max };
}
