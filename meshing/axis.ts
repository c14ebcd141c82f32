/**
 * The vertebral (cranio-caudal) axis: the image's superior direction (+z of the RAS world)
 * refined by the principal axes of the vertebral body's voxels. Of the three principal axes
 * (eigenvectors of the covariance of the body voxel centres in mm), the one closest to +z is
 * taken and its sign chosen cranial (positive z component).
 *
 * Limits: a body whose height is close to sqrt(3) times its radius has two nearly equal
 * principal moments, and its principal axes are then ill-defined; when the chosen axis's moment
 * is within 2 % of another one, or the chosen axis is more than 45 degrees from +z, the image's
 * +z is used instead and a warning says why.
 *
 * Labelled caps: when the label map already holds both caps (VerSe regions 5 and 6), their flat
 * faces define the loading direction the segmentation was made for; {@link labelledCapsAxis}
 * returns their normal. On the VerSe L2 sample the body's principal axis lies 22.7 degrees from
 * the image +z (the body is wedge-shaped, longer antero-posteriorly at the top), while the
 * labelled caps are cut normal to +z.
 */
import type { GridGeometry } from '../input/volume.js';
import { voxelCentreMm } from './voxelFrame.js';

/** Where an axis came from. */
export type AxisSource = 'principal-axes' | 'image' | 'labelled-caps';

/** The axis and how it was found. */
export interface VertebralAxis {
  /** Unit vector, cranial, world frame. */
  readonly axis: [number, number, number];
  /** Angle between the axis and the image's superior direction (+z world), degrees. */
  readonly angleToImageDeg: number;
  /** How the axis was found ('image' also when the principal-axis fit was not trusted). */
  readonly source: AxisSource;
  /** Principal variances of the body voxel centres, mm2, descending. */
  readonly principalVariancesMm2: [number, number, number];
  /** Centroid of the body voxels, world mm. */
  readonly centroidMm: [number, number, number];
  /** Why the fit was not used, if it was not. */
  readonly warnings: string[];
}

/**
 * Eigen-decomposition of a symmetric 3x3 matrix (row-major) by cyclic Jacobi rotations.
 * Returns eigenvalues and unit eigenvectors (columns of `vectors`, row-major 3x3).
 */
export function symmetricEigen3(matrix: ArrayLike<number>): {
  values: [number, number, number];
  vectors: Float64Array;
} {
  const a = Float64Array.from(matrix);
  const v = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = a[1] ** 2 + a[2] ** 2 + a[5] ** 2;
    if (off < 1e-30 * (a[0] ** 2 + a[4] ** 2 + a[8] ** 2 + 1e-300)) break;
    for (const [p, q] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ]) {
      const apq = a[3 * p + q];
      if (apq === 0) continue;
      const theta = (a[3 * q + q] - a[3 * p + p]) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      for (let k = 0; k < 3; k++) {
        const akp = a[3 * k + p];
        const akq = a[3 * k + q];
        a[3 * k + p] = c * akp - s * akq;
        a[3 * k + q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[3 * p + k];
        const aqk = a[3 * q + k];
        a[3 * p + k] = c * apk - s * aqk;
        a[3 * q + k] = s * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[3 * k + p];
        const vkq = v[3 * k + q];
        v[3 * k + p] = c * vkp - s * vkq;
        v[3 * k + q] = s * vkp + c * vkq;
      }
    }
  }
  return { values: [a[0], a[4], a[8]], vectors: v };
}

/** Centroid (mm) and covariance (mm2, row-major 3x3) of the voxel centres of a mask. */
export function voxelMoments(
  grid: GridGeometry,
  mask: Uint8Array,
): { count: number; centroid: [number, number, number]; covariance: Float64Array } {
  const [ni, nj, nk] = grid.dims;
  const p = new Float64Array(3);
  const sum = [0, 0, 0];
  const sumSq = new Float64Array(9);
  let count = 0;
  for (let k = 0; k < nk; k++) {
    for (let j = 0; j < nj; j++) {
      for (let i = 0; i < ni; i++) {
        if (!mask[i + ni * (j + nj * k)]) continue;
        voxelCentreMm(p, grid, i, j, k);
        count++;
        for (let r = 0; r < 3; r++) {
          sum[r] += p[r];
          for (let c = 0; c < 3; c++) sumSq[3 * r + c] += p[r] * p[c];
        }
      }
    }
  }
  const centroid = sum.map((s) => s / count) as [number, number, number];
  const covariance = new Float64Array(9);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      covariance[3 * r + c] = sumSq[3 * r + c] / count - centroid[r] * centroid[c];
    }
  }
  return { count, centroid, covariance };
}

/**
 * The normal of the labelled caps' flat faces: for each cap (a slab), the principal axis of
 * least variance, oriented from the inferior to the superior cap; the two normals averaged.
 * Returns undefined when either cap has fewer than 10 voxels.
 */
export function labelledCapsAxis(
  grid: GridGeometry,
  inferiorCap: Uint8Array,
  superiorCap: Uint8Array,
): [number, number, number] | undefined {
  const inferior = voxelMoments(grid, inferiorCap);
  const superior = voxelMoments(grid, superiorCap);
  if (inferior.count < 10 || superior.count < 10) return undefined;
  const up = [0, 1, 2].map((d) => superior.centroid[d] - inferior.centroid[d]);
  const sum = [0, 0, 0];
  for (const cap of [inferior, superior]) {
    const { values, vectors } = symmetricEigen3(cap.covariance);
    const least = [0, 1, 2].reduce((best, c) => (values[c] < values[best] ? c : best), 0);
    const normal = [0, 1, 2].map((r) => vectors[3 * r + least]);
    const sign = normal[0] * up[0] + normal[1] * up[1] + normal[2] * up[2] < 0 ? -1 : 1;
    for (let d = 0; d < 3; d++) sum[d] += sign * normal[d];
  }
  const length = Math.hypot(sum[0], sum[1], sum[2]);
  return [sum[0] / length, sum[1] / length, sum[2] / length];
}

/**
 * The vertebral axis from the body voxels (`body[v] != 0`) of a grid; see the module comment.
 */
export function vertebralAxis(grid: GridGeometry, body: Uint8Array): VertebralAxis {
  const { count, centroid, covariance } = voxelMoments(grid, body);
  if (count < 4) throw new Error(`vertebralAxis: ${count} body voxels`);
  const { values, vectors } = symmetricEigen3(covariance);
  const order = [0, 1, 2].sort((x, y) => values[y] - values[x]);
  const variances = order.map((o) => values[o]) as [number, number, number];

  let chosen = 0;
  for (let c = 1; c < 3; c++)
    if (Math.abs(vectors[6 + c]) > Math.abs(vectors[6 + chosen])) chosen = c;
  const sign = vectors[6 + chosen] < 0 ? -1 : 1;
  const fitted: [number, number, number] = [0, 1, 2].map((r) => sign * vectors[3 * r + chosen]) as [
    number,
    number,
    number,
  ];
  const angle = (Math.acos(Math.min(1, fitted[2])) * 180) / Math.PI;

  const warnings: string[] = [];
  const closest = Math.min(
    ...[0, 1, 2].filter((c) => c !== chosen).map((c) => Math.abs(values[c] - values[chosen])),
  );
  if (closest < 0.02 * Math.abs(values[chosen])) {
    warnings.push(
      'axis: two principal moments of the body are within 2 %, principal axis ill-defined; ' +
        'using the image superior direction',
    );
  } else if (angle > 45) {
    warnings.push(`axis: principal axis is ${angle.toFixed(1)} deg from the image +z; using +z`);
  }
  if (warnings.length > 0) {
    return {
      axis: [0, 0, 1],
      angleToImageDeg: 0,
      source: 'image',
      principalVariancesMm2: variances,
      centroidMm: centroid,
      warnings,
    };
  }
  return {
    axis: fitted,
    angleToImageDeg: angle,
    source: 'principal-axes',
    principalVariancesMm2: variances,
    centroidMm: centroid,
    warnings,
  };
}
