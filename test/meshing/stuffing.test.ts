import { describe, expect, it } from 'vitest';

import {
  boxDomain,
  cylinderDomain,
  halfSpace,
  intersectDomains,
  sphereDomain,
  type ImplicitDomain,
} from '../../meshing/implicitDomain.js';
import { stuffTetrahedra } from '../../meshing/stuffing.js';
import { boundaryTriangles, meshQuality, surfaceDeviationMm } from '../../meshing/quality.js';
import { tetComponents } from '../../meshing/components.js';
import type { TetMesh } from '../../meshing/tetMesh.js';

/** Analytic solids (mm) with their exact volumes (mm3), off the lattice on purpose. */
const SHAPES: [string, ImplicitDomain, number][] = [
  ['sphere r = 10', sphereDomain([0.31, -0.17, 0.53], 10), (4 / 3) * Math.PI * 1000],
  ['cylinder r = 6, 18 long', cylinderDomain([0.2, 0.45], 6, -8.7, 9.3), Math.PI * 36 * 18],
  ['box 14 x 10 x 7', boxDomain([0.13, 0.29, -0.41], [14.13, 10.29, 6.59]), 14 * 10 * 7],
];
const SIZES_MM = [4, 2, 1];

describe('stuffTetrahedra on analytic solids', () => {
  for (const [name, domain, exactVolume] of SHAPES) {
    it(`${name}: angles in [10, 165] degrees, nothing inverted, volume converges`, () => {
      const errors = SIZES_MM.map((h) => {
        const quality = meshQuality(stuffTetrahedra(domain, { edgeLengthMm: h }));
        expect(quality.invertedCount).toBe(0);
        expect(quality.minDihedralDeg).toBeGreaterThanOrEqual(10);
        expect(quality.maxDihedralDeg).toBeLessThanOrEqual(165);
        return Math.abs(quality.volumeMm3 - exactVolume) / exactVolume;
      });
      expect(errors[1]).toBeLessThan(errors[0]);
      expect(errors[2]).toBeLessThan(errors[1]);
      expect(errors[2]).toBeLessThan(0.03);
    });
  }

  it('sphere: volume error falls about as h^2 (inscribed surface)', () => {
    // A surface through points on the sphere, with facets of size ~h, misses a volume
    // ~ area * h^2 / (8 R): halving h should divide the error by about four.
    const domain = sphereDomain([0.31, -0.17, 0.53], 10);
    const exact = (4 / 3) * Math.PI * 1000;
    const error = (h: number) =>
      (exact - meshQuality(stuffTetrahedra(domain, { edgeLengthMm: h })).volumeMm3) / exact;
    const ratio = error(2) / error(1);
    expect(ratio).toBeGreaterThan(2.5);
    expect(ratio).toBeLessThan(6);
  });

  it('mean edge length is close to the requested edge', () => {
    const mesh = stuffTetrahedra(sphereDomain([0, 0, 0], 12), { edgeLengthMm: 1.5 });
    expect(meanEdgeLength(mesh)).toBeGreaterThan(0.85 * 1.5);
    expect(meanEdgeLength(mesh)).toBeLessThan(1.1 * 1.5);
  });

  it('the mesh conforms: one component and a closed, consistently oriented surface', () => {
    const mesh = stuffTetrahedra(sphereDomain([0.31, -0.17, 0.53], 10), { edgeLengthMm: 1.5 });
    expect(tetComponents(mesh).count).toBe(1);
    const triangles = boundaryTriangles(mesh);

    // Every boundary edge is used exactly twice, once in each direction.
    const directed = new Map<string, number>();
    for (let t = 0; t < triangles.length; t += 3) {
      for (let k = 0; k < 3; k++) {
        const key = `${triangles[t + k]},${triangles[t + ((k + 1) % 3)]}`;
        directed.set(key, (directed.get(key) ?? 0) + 1);
      }
    }
    for (const [key, count] of directed) {
      expect(count).toBe(1);
      const [a, b] = key.split(',');
      expect(directed.get(`${b},${a}`)).toBe(1);
    }

    // A sphere's surface: V - E + F = 2.
    const vertices = new Set(triangles).size;
    const faces = triangles.length / 3;
    expect(vertices - directed.size / 2 + faces).toBe(2);

    // Divergence theorem: the surface encloses exactly the elements' volume.
    let enclosed = 0;
    const p = mesh.nodes;
    for (let t = 0; t < triangles.length; t += 3) {
      const [a, b, c] = [3 * triangles[t], 3 * triangles[t + 1], 3 * triangles[t + 2]];
      enclosed +=
        (p[a] * (p[b + 1] * p[c + 2] - p[b + 2] * p[c + 1]) -
          p[a + 1] * (p[b] * p[c + 2] - p[b + 2] * p[c]) +
          p[a + 2] * (p[b] * p[c + 1] - p[b + 1] * p[c])) /
        6;
    }
    expect(enclosed).toBeCloseTo(meshQuality(mesh).volumeMm3, 6);
  });

  it('boundary nodes lie on the surface', () => {
    const mesh = stuffTetrahedra(sphereDomain([0, 0, 0], 10), { edgeLengthMm: 2 });
    expect(surfaceDeviationMm(mesh, sphereDomain([0, 0, 0], 10))).toBeLessThan(1e-6);
    expect(surfaceDeviationMm(mesh, sphereDomain([0, 0, 0], 10.5))).toBeCloseTo(0.5, 6);
  });

  it('a sphere cut by two planes has flat faces at the planes', () => {
    // Sphere r = 10 between z = -6 and z = 5: volume from the spherical-cap formula.
    const domain = intersectDomains(
      sphereDomain([0, 0, 0], 10),
      halfSpace([0, 0, 5], [0, 0, 1]),
      halfSpace([0, 0, -6], [0, 0, -1]),
    );
    const mesh = stuffTetrahedra(domain, { edgeLengthMm: 1 });
    const slab = (z: number) => Math.PI * (100 * z - z ** 3 / 3);
    const exact = slab(5) - slab(-6);
    const quality = meshQuality(mesh);
    expect(quality.invertedCount).toBe(0);
    expect(quality.minDihedralDeg).toBeGreaterThanOrEqual(10);
    expect(Math.abs(quality.volumeMm3 - exact) / exact).toBeLessThan(0.01);
    let zMax = -Infinity;
    let zMin = Infinity;
    for (let n = 2; n < mesh.nodes.length; n += 3) {
      zMax = Math.max(zMax, mesh.nodes[n]);
      zMin = Math.min(zMin, mesh.nodes[n]);
    }
    expect(zMax).toBeCloseTo(5, 6);
    expect(zMin).toBeCloseTo(-6, 6);
  });

  it('rejects a non-positive edge, a NaN value and an unbounded domain', () => {
    expect(() => stuffTetrahedra(sphereDomain([0, 0, 0], 1), { edgeLengthMm: 0 })).toThrow();
    const broken = { ...sphereDomain([0, 0, 0], 1), value: () => NaN };
    expect(() => stuffTetrahedra(broken, { edgeLengthMm: 0.5 })).toThrow(/NaN/);
    expect(() => stuffTetrahedra(halfSpace([0, 0, 0], [0, 0, 1]), { edgeLengthMm: 1 })).toThrow(
      /bounds/,
    );
  });
});

function meanEdgeLength(mesh: TetMesh): number {
  const seen = new Set<number>();
  const nodeCount = mesh.nodes.length / 3;
  let sum = 0;
  for (let t = 0; t < mesh.tets.length; t += 4) {
    for (let i = 0; i < 4; i++) {
      for (let j = i + 1; j < 4; j++) {
        const a = Math.min(mesh.tets[t + i], mesh.tets[t + j]);
        const b = Math.max(mesh.tets[t + i], mesh.tets[t + j]);
        if (seen.has(a * nodeCount + b)) continue;
        seen.add(a * nodeCount + b);
        sum += Math.hypot(
          mesh.nodes[3 * a] - mesh.nodes[3 * b],
          mesh.nodes[3 * a + 1] - mesh.nodes[3 * b + 1],
          mesh.nodes[3 * a + 2] - mesh.nodes[3 * b + 2],
        );
      }
    }
  }
  return sum / seen.size;
}
