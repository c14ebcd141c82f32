/**
 * Virtual bone-cement (PMMA) caps on the endplates of the vertebral body, and the one implicit
 * domain that meshes bone and caps together.
 *
 * Planes: with s = axis . x (mm), the body's voxels span [sMin, sMax] (voxel extents included).
 * The superior cap plane lies at sMax + capThicknessMm and the inferior one at
 * sMin - capThicknessMm, both normal to the axis; heightMm is their distance.
 * Caps: the body is projected along the axis onto a 2D grid (cell = smallest voxel spacing,
 * closed by one cell to bridge aliasing gaps); in every column of that footprint whose top
 * (bottom) body voxel lies within `maxDepthMm` of the body's extreme, the Outside voxels above
 * the body's top voxel (below its bottom voxel) up to two voxels past the plane become
 * CapSuperior (CapInferior). This fills the endplate concavity over the whole body
 * outline; the half-space cut of the mesh domain then makes the faces flat. Caps already in the
 * labels (VerSe regions 5 and 6) are kept and completed the same way, and are cut by the same
 * planes. Cap voxels within `clearanceMm` (at least one voxel) of a posterior voxel are removed,
 * so that posterior elements never touch a cap.
 * Cement: E = 2500 MPa, nu = 0.3 (the design brief's PMMA).
 */
import { UserError } from '../core/errors.js';
import type { GridGeometry } from '../input/volume.js';
import { VoxelRegion } from '../input/volume.js';
import { halfSpace, intersectDomains, maskDomain, type ImplicitDomain } from './implicitDomain.js';
import { voxelCentreMm } from './voxelFrame.js';

/** Young's modulus of the bone-cement caps, MPa. */
export const capModulusMpa = 2500;
/** Poisson's ratio of the bone-cement caps. */
export const capPoissonRatio = 0.3;

/** Options of {@link layoutCaps}. */
export interface CapOptions {
  /** Cement between the body's extreme point and each plane, mm (default 3). */
  readonly capThicknessMm: number;
  /** Smallest gap kept between a cap and the posterior elements, mm (default 3). */
  readonly clearanceMm: number;
  /**
   * Deepest endplate concavity a cap fills, mm below the body's extreme point (default 10):
   * columns whose body surface lies deeper (a rim that only touches the body lower down, e.g.
   * beside a posterior bulge) get no cap, so caps never run down the body's walls.
   */
  readonly maxDepthMm: number;
  /** The image file, named in errors. */
  readonly source?: string;
}

/** The two flat cap faces. */
export interface CapPlanes {
  /** Unit axis, cranial. */
  readonly axis: readonly [number, number, number];
  /** Position of the inferior plane along the axis, s = axis . x, mm. */
  readonly inferiorMm: number;
  /** Position of the superior plane along the axis, mm. */
  readonly superiorMm: number;
  /** Distance between the planes, mm. */
  readonly heightMm: number;
}

/** Regions with caps, and what was done. */
export interface CapLayout {
  /** Voxel regions: the input's, with cap voxels added and cleared near posterior voxels. */
  readonly regions: Uint8Array;
  readonly planes: CapPlanes;
  /** Cap voxels taken from the labels (after clearance). */
  readonly labelledCapVoxels: number;
  /** Cap voxels generated to fill the endplates (after clearance). */
  readonly generatedCapVoxels: number;
  /** Cap voxels removed for the clearance to posterior voxels. */
  readonly clearedCapVoxels: number;
}

function isBody(region: number): boolean {
  return region === VoxelRegion.BodyTrabecular || region === VoxelRegion.BodyCortical;
}

function isPosterior(region: number): boolean {
  return region === VoxelRegion.PosteriorTrabecular || region === VoxelRegion.PosteriorCortical;
}

function isCap(region: number): boolean {
  return region === VoxelRegion.CapInferior || region === VoxelRegion.CapSuperior;
}

/** Two unit vectors completing `axis` to a right-handed orthonormal frame. */
export function perpendicularFrame(axis: readonly number[]): [number[], number[]] {
  const helper = Math.abs(axis[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const e1 = [
    helper[1] * axis[2] - helper[2] * axis[1],
    helper[2] * axis[0] - helper[0] * axis[2],
    helper[0] * axis[1] - helper[1] * axis[0],
  ];
  const length = Math.hypot(e1[0], e1[1], e1[2]);
  for (let d = 0; d < 3; d++) e1[d] /= length;
  const e2 = [
    axis[1] * e1[2] - axis[2] * e1[1],
    axis[2] * e1[0] - axis[0] * e1[2],
    axis[0] * e1[1] - axis[1] * e1[0],
  ];
  return [e1, e2];
}

/** Per voxel: position along the axis and footprint cell (or -1 outside the footprint grid). */
interface Projection {
  readonly s: Float64Array;
  readonly cell: Int32Array;
  readonly nu: number;
  readonly nv: number;
}

function project(grid: GridGeometry, axis: readonly number[], body: Uint8Array): Projection {
  const [ni, nj, nk] = grid.dims;
  const [e1, e2] = perpendicularFrame(axis);
  const cellMm = Math.min(...grid.spacingMm);
  const count = ni * nj * nk;
  const s = new Float64Array(count);
  const u = new Float64Array(count);
  const v = new Float64Array(count);
  const p = new Float64Array(3);
  let uMin = Infinity;
  let vMin = Infinity;
  let uMax = -Infinity;
  let vMax = -Infinity;
  for (let k = 0, index = 0; k < nk; k++) {
    for (let j = 0; j < nj; j++) {
      for (let i = 0; i < ni; i++, index++) {
        voxelCentreMm(p, grid, i, j, k);
        s[index] = axis[0] * p[0] + axis[1] * p[1] + axis[2] * p[2];
        u[index] = e1[0] * p[0] + e1[1] * p[1] + e1[2] * p[2];
        v[index] = e2[0] * p[0] + e2[1] * p[1] + e2[2] * p[2];
        if (!body[index]) continue;
        uMin = Math.min(uMin, u[index]);
        uMax = Math.max(uMax, u[index]);
        vMin = Math.min(vMin, v[index]);
        vMax = Math.max(vMax, v[index]);
      }
    }
  }
  const nu = Math.floor((uMax - uMin) / cellMm) + 3;
  const nv = Math.floor((vMax - vMin) / cellMm) + 3;
  const cell = new Int32Array(count);
  for (let index = 0; index < count; index++) {
    const cu = Math.floor((u[index] - uMin) / cellMm + 1);
    const cv = Math.floor((v[index] - vMin) / cellMm + 1);
    cell[index] = cu >= 0 && cv >= 0 && cu < nu && cv < nv ? cu + nu * cv : -1;
  }
  return { s, cell, nu, nv };
}

/** Top and bottom s of the body per footprint cell, closed by one cell (NaN: not footprint). */
function footprint(projection: Projection, body: Uint8Array): [Float64Array, Float64Array] {
  const { nu, nv } = projection;
  const top = new Float64Array(nu * nv).fill(NaN);
  const bottom = new Float64Array(nu * nv).fill(NaN);
  for (let index = 0; index < body.length; index++) {
    if (!body[index]) continue;
    const c = projection.cell[index];
    const s = projection.s[index];
    if (!(top[c] >= s)) top[c] = s;
    if (!(bottom[c] <= s)) bottom[c] = s;
  }

  const closedTop = Float64Array.from(top);
  const closedBottom = Float64Array.from(bottom);
  for (let cv = 1; cv < nv - 1; cv++) {
    for (let cu = 1; cu < nu - 1; cu++) {
      const c = cu + nu * cv;
      if (!Number.isNaN(top[c])) continue;
      const opposite = [
        [c - 1, c + 1],
        [c - nu, c + nu],
        [c - nu - 1, c + nu + 1],
        [c - nu + 1, c + nu - 1],
      ];
      const bridged = opposite.filter(([a, b]) => !Number.isNaN(top[a]) && !Number.isNaN(top[b]));
      if (bridged.length === 0) continue;
      const tops = bridged.flat().map((n) => top[n]);
      const bottoms = bridged.flat().map((n) => bottom[n]);
      closedTop[c] = Math.max(...tops);
      closedBottom[c] = Math.min(...bottoms);
    }
  }
  return [closedTop, closedBottom];
}

/** Marks voxels within `radiusMm` (at least one voxel per axis) of a posterior voxel. */
function posteriorNeighbourhood(grid: GridGeometry, regions: Uint8Array, radiusMm: number) {
  const [ni, nj, nk] = grid.dims;
  const reach = grid.spacingMm.map((sp) => Math.max(1, Math.floor(radiusMm / sp)));
  const offsets: number[][] = [];
  for (let dk = -reach[2]; dk <= reach[2]; dk++) {
    for (let dj = -reach[1]; dj <= reach[1]; dj++) {
      for (let di = -reach[0]; di <= reach[0]; di++) {
        const r = Math.hypot(di / reach[0], dj / reach[1], dk / reach[2]);
        if (r <= 1 + 1e-9 || (Math.abs(di) <= 1 && Math.abs(dj) <= 1 && Math.abs(dk) <= 1)) {
          offsets.push([di, dj, dk]);
        }
      }
    }
  }
  const near = new Uint8Array(regions.length);
  for (let k = 0, index = 0; k < nk; k++) {
    for (let j = 0; j < nj; j++) {
      for (let i = 0; i < ni; i++, index++) {
        if (!isPosterior(regions[index])) continue;
        for (const [di, dj, dk] of offsets) {
          const a = i + di;
          const b = j + dj;
          const c = k + dk;
          if (a < 0 || b < 0 || c < 0 || a >= ni || b >= nj || c >= nk) continue;
          near[a + ni * (b + nj * c)] = 1;
        }
      }
    }
  }
  return near;
}

/**
 * Places the cap planes and cap voxels for body regions 1/2 (split a whole-vertebra label
 * first); see the module comment.
 */
export function layoutCaps(
  grid: GridGeometry,
  regions: Uint8Array,
  axis: readonly [number, number, number],
  options: CapOptions,
): CapLayout {
  const body = Uint8Array.from(regions, (r) => (isBody(r) ? 1 : 0));
  const projection = project(grid, axis, body);
  const m = grid.voxelToWorld;
  const halfExtent =
    0.5 *
    [0, 1, 2].reduce(
      (sum, c) => sum + Math.abs(axis[0] * m[c] + axis[1] * m[4 + c] + axis[2] * m[8 + c]),
      0,
    );
  let sMin = Infinity;
  let sMax = -Infinity;
  for (let index = 0; index < body.length; index++) {
    if (!body[index]) continue;
    sMin = Math.min(sMin, projection.s[index]);
    sMax = Math.max(sMax, projection.s[index]);
  }
  if (!Number.isFinite(sMin)) throw new Error('layoutCaps: no body voxels');
  const superiorMm = sMax + halfExtent + options.capThicknessMm;
  const inferiorMm = sMin - halfExtent - options.capThicknessMm;

  const [top, bottom] = footprint(projection, body);
  const margin = 2 * Math.max(...grid.spacingMm);
  const out = Uint8Array.from(regions);
  const generated = new Uint8Array(out.length);
  for (let index = 0; index < out.length; index++) {
    if (out[index] !== VoxelRegion.Outside) continue;
    const c = projection.cell[index];
    if (c < 0 || Number.isNaN(top[c])) continue;
    const s = projection.s[index];
    if (s > top[c] && s <= superiorMm + margin && sMax - top[c] <= options.maxDepthMm) {
      out[index] = VoxelRegion.CapSuperior;
      generated[index] = 1;
    } else if (
      s < bottom[c] &&
      s >= inferiorMm - margin &&
      bottom[c] - sMin <= options.maxDepthMm
    ) {
      out[index] = VoxelRegion.CapInferior;
      generated[index] = 1;
    }
  }

  const near = posteriorNeighbourhood(grid, regions, options.clearanceMm);
  let labelled = 0;
  let generatedCount = 0;
  let cleared = 0;
  for (let index = 0; index < out.length; index++) {
    if (!isCap(out[index])) continue;
    if (near[index]) {
      out[index] = VoxelRegion.Outside;
      cleared++;
    } else if (generated[index]) generatedCount++;
    else labelled++;
  }

  // Each cap's voxel centres must reach its plane, or the plane cuts nothing but air: the case
  // of a vertebra cut by the edge of the scan.
  let inferiorReach = Infinity;
  let superiorReach = -Infinity;
  for (let index = 0; index < out.length; index++) {
    if (out[index] === VoxelRegion.CapInferior) {
      inferiorReach = Math.min(inferiorReach, projection.s[index] - halfExtent);
    } else if (out[index] === VoxelRegion.CapSuperior) {
      superiorReach = Math.max(superiorReach, projection.s[index] + halfExtent);
    }
  }
  const reachTolerance = halfExtent;
  for (const [name, gapMm] of [
    ['inferior', inferiorReach - inferiorMm],
    ['superior', superiorMm - superiorReach],
  ] as const) {
    if (!(gapMm <= reachTolerance)) {
      const gap = Number.isFinite(gapMm) ? `${gapMm.toFixed(1)} mm short of` : 'absent at';
      throw new UserError(
        `${options.source ?? 'image'}: ${name} cap ${gap} its plane: the vertebral body ` +
          `reaches the ${name} edge of the scanned volume (the vertebra is cut by the scan)`,
      );
    }
  }

  return {
    regions: out,
    planes: { axis, inferiorMm, superiorMm, heightMm: superiorMm - inferiorMm },
    labelledCapVoxels: labelled,
    generatedCapVoxels: generatedCount,
    clearedCapVoxels: cleared,
  };
}

/**
 * The meshing domain: the smoothed union of all non-Outside voxels of `regions`, cut by the two
 * cap planes (inside: inferiorMm < axis . x < superiorMm).
 */
export function capDomain(
  grid: GridGeometry,
  regions: Uint8Array,
  planes: CapPlanes,
  smoothingMm: number,
): ImplicitDomain {
  const union = Uint8Array.from(regions, (r) => (r !== VoxelRegion.Outside ? 1 : 0));
  const a = planes.axis;
  const superiorPoint = a.map((c) => c * planes.superiorMm);
  const inferiorPoint = a.map((c) => c * planes.inferiorMm);
  return intersectDomains(
    maskDomain(grid, union, smoothingMm),
    halfSpace(superiorPoint, a),
    halfSpace(
      inferiorPoint,
      a.map((c) => -c),
    ),
  );
}
