import { describe, expect, it } from 'vitest';

import {
  halfSpace,
  intersectDomains,
  maskDomain,
  sphereDomain,
  type ImplicitDomain,
} from '../../meshing/implicitDomain.js';
import { stuffTetrahedraWithRepair } from '../../meshing/stuffing.js';
import { meshQuality } from '../../meshing/quality.js';
import type { GridGeometry } from '../../input/volume.js';
import { expectConformingAndClosed } from './stuffingChecks.js';

/** A small linear congruential generator: the same numbers in [0, 1) for the same seed. */
function random(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A unit vector in a random direction. */
function direction(next: () => number): number[] {
  const v = [next() - 0.5, next() - 0.5, next() - 0.5];
  const length = Math.hypot(v[0], v[1], v[2]) || 1;
  return v.map((c) => c / length);
}

/** `c` moved by `d` mm along every axis. */
function shift(c: number[], d: number): [number, number, number] {
  return [c[0] + d, c[1] + d, c[2] + d];
}

/** A ring torus around axis `n` through `c`: exact signed distance (mm). */
function torus(c: number[], n: number[], major: number, minor: number): ImplicitDomain {
  const reach = major + minor;
  return {
    boundsMm: { min: shift(c, -reach), max: shift(c, reach) },
    value: (x, y, z) => {
      const d = [x - c[0], y - c[1], z - c[2]];
      const along = d[0] * n[0] + d[1] * n[1] + d[2] * n[2];
      const radial = Math.sqrt(Math.max(0, d[0] ** 2 + d[1] ** 2 + d[2] ** 2 - along ** 2));
      return Math.hypot(radial - major, along) - minor;
    },
  };
}

/** A round plate of thickness `t` and radius `r` with normal `n`: max of plane distances. */
function plate(c: number[], n: number[], t: number, r: number): ImplicitDomain {
  const reach = r + t;
  return {
    boundsMm: { min: shift(c, -reach), max: shift(c, reach) },
    value: (x, y, z) => {
      const d = [x - c[0], y - c[1], z - c[2]];
      const along = d[0] * n[0] + d[1] * n[1] + d[2] * n[2];
      const radial = Math.sqrt(Math.max(0, d[0] ** 2 + d[1] ** 2 + d[2] ** 2 - along ** 2));
      return Math.max(Math.abs(along) - t / 2, radial - r);
    },
  };
}

/** Shape `index` of the sweep: sphere, torus, thin plate or cut sphere at random offsets. */
function sweepShape(index: number): { name: string; domain: ImplicitDomain; h: number } {
  const next = random(index + 1);
  const c = [10 * next() - 5, 10 * next() - 5, 10 * next() - 5];
  const h = 0.6 + next();
  switch (index % 4) {
    case 0:
      return { name: 'sphere', domain: sphereDomain(c, h * (0.8 + 5 * next())), h };
    case 1: {
      const minor = h * (0.4 + 1.6 * next());
      return { name: 'torus', domain: torus(c, direction(next), minor + 5 * h * next(), minor), h };
    }
    case 2: {
      const t = h * (0.5 + 2 * next());
      return { name: 'plate', domain: plate(c, direction(next), t, h * (3 + 3 * next())), h };
    }
    default: {
      const n = direction(next);
      const offset = h * (4 * next() - 2);
      const cut = halfSpace([c[0] + offset * n[0], c[1] + offset * n[1], c[2] + offset * n[2]], n);
      return { name: 'cut sphere', domain: intersectDomains(sphereDomain(c, 5 * h), cut), h };
    }
  }
}

describe('isosurface stuffing keeps its angle bound on random shapes', () => {
  it('400 spheres, tori, thin plates and cut spheres: every angle in [10, 165] degrees', () => {
    let meshVolume = 0;
    let droppedVolume = 0;
    for (let index = 0; index < 400; index++) {
      const { name, domain, h } = sweepShape(index);
      const repaired = stuffTetrahedraWithRepair(domain, { edgeLengthMm: h });
      const quality = meshQuality(repaired.mesh);
      const label = `${name} #${index}`;
      expect(quality.invertedCount, label).toBe(0);
      if (quality.elementCount === 0) continue;
      expect(quality.minDihedralDeg, label).toBeGreaterThanOrEqual(10);
      expect(quality.maxDihedralDeg, label).toBeLessThanOrEqual(165);
      if (index % 10 === 0) expectConformingAndClosed(repaired.mesh);
      meshVolume += quality.volumeMm3;
      droppedVolume += repaired.droppedVolumeMm3;
    }
    expect(droppedVolume).toBeLessThan(1e-3 * meshVolume);
  });

  it('voxel masks of random balls on a rotated grid, raw and smoothed: angles in [10, 165]', () => {
    // Grid 0.8 x 0.8 x 1.2 mm rotated 30 degrees about z; balls of radius 2..5 mm.
    const dims: [number, number, number] = [40, 40, 28];
    const cos = Math.cos(Math.PI / 6);
    const sin = Math.sin(Math.PI / 6);
    const voxelToWorld = new Float64Array([
      ...[0.8 * cos, -0.8 * sin, 0, -3],
      ...[0.8 * sin, 0.8 * cos, 0, -20],
      ...[0, 0, 1.2, -15],
      ...[0, 0, 0, 1],
    ]);
    const grid: GridGeometry = { dims, voxelToWorld, spacingMm: [0.8, 0.8, 1.2] };
    for (const seed of [1, 2, 3]) {
      const next = random(1000 + seed);
      const balls = Array.from({ length: 6 }, () => [
        8 * next() - 4,
        8 * next() - 4,
        8 * next() - 4,
        2 + 3 * next(),
      ]);
      const mask = new Uint8Array(dims[0] * dims[1] * dims[2]);
      const a = voxelToWorld;
      for (let n = 0; n < mask.length; n++) {
        const i = n % dims[0];
        const j = Math.floor(n / dims[0]) % dims[1];
        const k = Math.floor(n / (dims[0] * dims[1]));
        const x = a[0] * i + a[1] * j + a[2] * k + a[3];
        const y = a[4] * i + a[5] * j + a[6] * k + a[7];
        const z = a[8] * i + a[9] * j + a[10] * k + a[11];
        for (const [bx, by, bz, r] of balls) {
          if ((x - bx) ** 2 + (y - by) ** 2 + (z - bz) ** 2 <= r * r) mask[n] = 1;
        }
      }
      for (const [h, smoothingMm] of [
        [0.9, 0],
        [0.9, 0.6],
        [1.4, 0],
        [1.4, 0.6],
      ]) {
        const domain = maskDomain(grid, mask, smoothingMm);
        const repaired = stuffTetrahedraWithRepair(domain, { edgeLengthMm: h });
        const quality = meshQuality(repaired.mesh);
        expect(quality.invertedCount).toBe(0);
        expect(quality.minDihedralDeg).toBeGreaterThanOrEqual(10);
        expect(quality.maxDihedralDeg).toBeLessThanOrEqual(165);
        expect(repaired.droppedVolumeMm3).toBeLessThan(1e-3 * quality.volumeMm3);
        expectConformingAndClosed(repaired.mesh);
      }
    }
  });
});
