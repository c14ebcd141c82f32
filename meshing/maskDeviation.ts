/**
 * How far the mesh surface lies from the voxel mask's own surface: the staircase of voxel faces
 * between mask and non-mask voxels. This is the honest measure of geometric fidelity (the
 * mesher's smoothed level set is itself an approximation of the mask).
 *
 * For each boundary node of the mesh, the distance to the nearest mask-boundary voxel face within
 * a search window is computed exactly in continuous voxel-index space and scaled by the voxel
 * spacing per axis, which is exact for affines with orthogonal columns (every scanner affine
 * without shear). Nodes on deliberate cuts (the flat cap faces) are excluded by the caller.
 */
import type { GridGeometry } from '../input/volume.js';
import { boundaryTriangles } from './quality.js';
import type { TetMesh } from './tetMesh.js';
import { applyAffine, worldToVoxelAffine } from './voxelFrame.js';

/** Largest and mean node-to-mask-surface distance in mm. */
export interface MaskDeviation {
  /** Largest distance from a boundary node to the mask surface, mm. */
  readonly maxMm: number;
  /** Mean distance over the boundary nodes measured, mm. */
  readonly meanMm: number;
  /** Boundary nodes measured (excluded nodes not counted). */
  readonly nodeCount: number;
  /** Nodes with no mask face within the search window (distance reported as the window). */
  readonly beyondWindowCount: number;
}

/** Distance in index units from t to the interval [lo, hi]. */
function gap(t: number, lo: number, hi: number): number {
  return t < lo ? lo - t : t > hi ? t - hi : 0;
}

/**
 * Distance from each boundary node of `mesh` to the surface of `mask` (1 = inside) on `grid`.
 * `exclude(node)` skips nodes on deliberate cuts; `windowVoxels` bounds the search.
 */
export function maskSurfaceDeviation(
  mesh: TetMesh,
  grid: GridGeometry,
  mask: Uint8Array,
  exclude: (node: number) => boolean = () => false,
  windowVoxels = 3,
): MaskDeviation {
  const [nx, ny, nz] = grid.dims;
  const [sx, sy, sz] = grid.spacingMm;
  const toVoxel = worldToVoxelAffine(grid);
  const inside = (i: number, j: number, k: number) =>
    i >= 0 && j >= 0 && k >= 0 && i < nx && j < ny && k < nz && mask[i + nx * (j + ny * k)] === 1;
  const seen = new Uint8Array(mesh.nodes.length / 3);
  const p = new Float64Array(3);
  const windowMm = windowVoxels * Math.min(sx, sy, sz);
  let maxMm = 0;
  let sumMm = 0;
  let count = 0;
  let beyond = 0;

  for (const node of boundaryTriangles(mesh)) {
    if (seen[node]) continue;
    seen[node] = 1;
    if (exclude(node)) continue;
    applyAffine(
      p,
      toVoxel,
      mesh.nodes[3 * node],
      mesh.nodes[3 * node + 1],
      mesh.nodes[3 * node + 2],
    );
    const [ci, cj, ck] = [Math.round(p[0]), Math.round(p[1]), Math.round(p[2])];
    let best = Infinity;

    for (let k = ck - windowVoxels; k <= ck + windowVoxels; k++) {
      for (let j = cj - windowVoxels; j <= cj + windowVoxels; j++) {
        for (let i = ci - windowVoxels; i <= ci + windowVoxels; i++) {
          if (!inside(i, j, k)) continue;
          // Faces of voxel (i, j, k) towards an outside neighbour: a unit square in index space.
          const dx = gap(p[0], i - 0.5, i + 0.5) * sx;
          const dy = gap(p[1], j - 0.5, j + 0.5) * sy;
          const dz = gap(p[2], k - 0.5, k + 0.5) * sz;
          if (!inside(i - 1, j, k))
            best = Math.min(best, Math.hypot((p[0] - (i - 0.5)) * sx, dy, dz));
          if (!inside(i + 1, j, k))
            best = Math.min(best, Math.hypot((p[0] - (i + 0.5)) * sx, dy, dz));
          if (!inside(i, j - 1, k))
            best = Math.min(best, Math.hypot(dx, (p[1] - (j - 0.5)) * sy, dz));
          if (!inside(i, j + 1, k))
            best = Math.min(best, Math.hypot(dx, (p[1] - (j + 0.5)) * sy, dz));
          if (!inside(i, j, k - 1))
            best = Math.min(best, Math.hypot(dx, dy, (p[2] - (k - 0.5)) * sz));
          if (!inside(i, j, k + 1))
            best = Math.min(best, Math.hypot(dx, dy, (p[2] - (k + 0.5)) * sz));
        }
      }
    }

    if (best === Infinity) {
      beyond++;
      best = windowMm;
    }
    maxMm = Math.max(maxMm, best);
    sumMm += best;
    count++;
  }
  return {
    maxMm,
    meanMm: count > 0 ? sumMm / count : 0,
    nodeCount: count,
    beyondWindowCount: beyond,
  };
}
