import { describe, expect, it } from 'vitest';

import { maskDomain } from '../../meshing/implicitDomain.js';
import { stuffTetrahedra } from '../../meshing/stuffing.js';
import { meshQuality, surfaceDeviationMm } from '../../meshing/quality.js';
import type { GridGeometry } from '../../input/volume.js';

const CENTER_MM = [0.3, -0.2, 0.1];
const RADIUS_MM = 11;

/** A grid from a 3x3 matrix (columns = voxel steps in world mm) and the world of voxel 0. */
function grid(dims: [number, number, number], m: number[][], t: number[]): GridGeometry {
  const voxelToWorld = new Float64Array([
    ...[m[0][0], m[0][1], m[0][2], t[0]],
    ...[m[1][0], m[1][1], m[1][2], t[1]],
    ...[m[2][0], m[2][1], m[2][2], t[2]],
    ...[0, 0, 0, 1],
  ]);
  const spacing = [0, 1, 2].map((c) => Math.hypot(m[0][c], m[1][c], m[2][c]));
  return { dims, voxelToWorld, spacingMm: [spacing[0], spacing[1], spacing[2]] };
}

/** Voxels whose centre lies in the ball, on any grid. */
function voxelisedBall(g: GridGeometry): Uint8Array {
  const [nx, ny, nz] = g.dims;
  const a = g.voxelToWorld;
  const mask = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const x = a[0] * i + a[1] * j + a[2] * k + a[3] - CENTER_MM[0];
        const y = a[4] * i + a[5] * j + a[6] * k + a[7] - CENTER_MM[1];
        const z = a[8] * i + a[9] * j + a[10] * k + a[11] - CENTER_MM[2];
        if (x * x + y * y + z * z <= RADIUS_MM ** 2) mask[i + nx * (j + ny * k)] = 1;
      }
    }
  }
  return mask;
}

function voxelVolumeMm3(g: GridGeometry): number {
  const a = g.voxelToWorld;
  return Math.abs(
    a[0] * (a[5] * a[10] - a[6] * a[9]) -
      a[1] * (a[4] * a[10] - a[6] * a[8]) +
      a[2] * (a[4] * a[9] - a[5] * a[8]),
  );
}

function rotation(axis: number[], degrees: number): number[][] {
  const n = Math.hypot(axis[0], axis[1], axis[2]);
  const [x, y, z] = axis.map((c) => c / n);
  const c = Math.cos((degrees * Math.PI) / 180);
  const s = Math.sin((degrees * Math.PI) / 180);
  return [
    [c + x * x * (1 - c), x * y * (1 - c) - z * s, x * z * (1 - c) + y * s],
    [y * x * (1 - c) + z * s, c + y * y * (1 - c), y * z * (1 - c) - x * s],
    [z * x * (1 - c) - y * s, z * y * (1 - c) + x * s, c + z * z * (1 - c)],
  ];
}

describe('maskDomain under different affines', () => {
  // A: axis-aligned 1 mm voxels. B: the same voxels stored with permuted and mirrored axes
  // (i = j', j = 33 - k', k = i'), so det < 0 and the world object is identical. C: the ball
  // voxelised again on a rotated grid with anisotropic voxels.
  const gridA = grid(
    [30, 34, 32],
    [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
    [-14.5, -16.5, -15.5],
  );
  const maskA = voxelisedBall(gridA);
  const gridB = grid(
    [32, 30, 34],
    [
      [0, 1, 0],
      [0, 0, -1],
      [1, 0, 0],
    ],
    [-14.5, -16.5 + 33, -15.5],
  );
  const maskB = new Uint8Array(maskA.length);
  for (let k2 = 0; k2 < 34; k2++) {
    for (let j2 = 0; j2 < 30; j2++) {
      for (let i2 = 0; i2 < 32; i2++) {
        const [i, j, k] = [j2, 33 - k2, i2];
        maskB[i2 + 32 * (j2 + 30 * k2)] = maskA[i + 30 * (j + 34 * k)];
      }
    }
  }
  const r = rotation([1, 2, 3], 30);
  const spacingC = [0.8, 1.0, 1.2];
  const dimsC: [number, number, number] = [40, 32, 28];
  const stepC = r.map((row) => row.map((v, c) => v * spacingC[c]));
  // Put the grid's centre on the ball's centre.
  const half = dimsC.map((d) => (d - 1) / 2);
  const originC = [0, 1, 2].map(
    (a) => CENTER_MM[a] - (stepC[a][0] * half[0] + stepC[a][1] * half[1] + stepC[a][2] * half[2]),
  );
  const gridC = grid(dimsC, stepC, originC);
  const maskC = voxelisedBall(gridC);

  const cases: [string, GridGeometry, Uint8Array][] = [
    ['axis-aligned', gridA, maskA],
    ['permuted and mirrored', gridB, maskB],
    ['rotated, anisotropic', gridC, maskC],
  ];

  it('the permuted copy holds the same voxels (world positions agree)', () => {
    let count = 0;
    for (const v of maskB) count += v;
    expect(count).toBe(maskA.reduce((s, v) => s + v, 0));
    expect(voxelisedBall(gridB)).toEqual(maskB);
  });

  it('gives the same mesh volume within 1 % on every grid, near the voxel volume', () => {
    const volumes = cases.map(([, g, mask]) => {
      const domain = maskDomain(g, mask, 1.0);
      const mesh = stuffTetrahedra(domain, { edgeLengthMm: 1.5 });
      const quality = meshQuality(mesh);
      expect(quality.invertedCount).toBe(0);
      expect(quality.minDihedralDeg).toBeGreaterThanOrEqual(10);
      expect(quality.maxDihedralDeg).toBeLessThanOrEqual(165);
      expect(surfaceDeviationMm(mesh, domain)).toBeLessThan(0.01);

      const voxelVolume = mask.reduce((s, v) => s + v, 0) * voxelVolumeMm3(g);
      expect(Math.abs(quality.volumeMm3 - voxelVolume) / voxelVolume).toBeLessThan(0.04);
      return quality.volumeMm3;
    });
    expect(Math.abs(volumes[1] - volumes[0]) / volumes[0]).toBeLessThan(0.01);
    expect(Math.abs(volumes[2] - volumes[0]) / volumes[0]).toBeLessThan(0.01);
  });

  it('the value is about a signed distance in mm near the surface', () => {
    const domain = maskDomain(gridA, maskA, 1.0);
    // Along +x from the centre: zero near the radius, slope about 1 per mm.
    const at = (d: number) => domain.value(CENTER_MM[0] + d, CENTER_MM[1], CENTER_MM[2]);
    expect(at(0)).toBeLessThan(0);
    expect(at(RADIUS_MM + 3)).toBeGreaterThan(0);
    const slope = (at(RADIUS_MM + 0.5) - at(RADIUS_MM - 0.5)) / 1;
    expect(slope).toBeGreaterThan(0.7);
    expect(slope).toBeLessThan(1.3);
    expect(domain.value(1000, 0, 0)).toBeGreaterThan(0);
  });
});
