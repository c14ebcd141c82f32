import { describe, expect, it } from 'vitest';

import { boundaryTriangles, meshQuality } from '../../meshing/quality.js';
import type { TetMesh } from '../../meshing/tetMesh.js';

const DEG = 180 / Math.PI;

describe('meshQuality', () => {
  it('regular tetrahedron: dihedral acos(1/3), radius ratio 1, volume a^3 / (6 sqrt 2)', () => {
    // Alternate corners of a cube of side 2: edge a = 2 sqrt 2.
    const mesh: TetMesh = {
      nodes: Float64Array.from([1, 1, 1, 1, -1, -1, -1, 1, -1, -1, -1, 1]),
      tets: Uint32Array.from([0, 1, 2, 3]),
    };
    const oriented = meshQuality(mesh).invertedCount === 0 ? mesh : flip(mesh);
    const q = meshQuality(oriented);
    const a = 2 * Math.SQRT2;
    expect(q.minDihedralDeg).toBeCloseTo(Math.acos(1 / 3) * DEG, 10);
    expect(q.maxDihedralDeg).toBeCloseTo(Math.acos(1 / 3) * DEG, 10);
    expect(q.minRadiusRatio).toBeCloseTo(1, 12);
    expect(q.meanRadiusRatio).toBeCloseTo(1, 12);
    expect(q.volumeMm3).toBeCloseTo(a ** 3 / (6 * Math.SQRT2), 12);
    expect(q.dihedralHistogram[7]).toBe(6);
    expect(q.nodeCount).toBe(4);
    expect(q.elementCount).toBe(1);
  });

  it('corner tetrahedron: three right angles, three of acos(1/sqrt 3)', () => {
    const mesh: TetMesh = {
      nodes: Float64Array.from([0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2]),
      tets: Uint32Array.from([0, 1, 2, 3]),
    };
    const q = meshQuality(mesh);
    expect(q.invertedCount).toBe(0);
    expect(q.minDihedralDeg).toBeCloseTo(Math.acos(1 / Math.sqrt(3)) * DEG, 10);
    expect(q.maxDihedralDeg).toBeCloseTo(90, 10);
    expect(q.dihedralHistogram[5]).toBe(3);
    expect(q.dihedralHistogram[9]).toBe(3);
    expect(q.volumeMm3).toBeCloseTo(8 / 6, 12);
    // Inradius: 3V / area = 4 / (6 + 2 sqrt 3); circumradius: half the cube diagonal = sqrt 3.
    const ratio = (3 * (4 / (6 + 2 * Math.sqrt(3)))) / Math.sqrt(3);
    expect(q.minRadiusRatio).toBeCloseTo(ratio, 12);
  });

  it('counts an inverted element and a flat one', () => {
    const nodes = Float64Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0]);
    const q = meshQuality({ nodes, tets: Uint32Array.from([0, 2, 1, 3, 0, 1, 4, 2]) });
    expect(q.invertedCount).toBe(2);
    expect(q.volumeMm3).toBeCloseTo(-1 / 6, 12);
  });
});

describe('boundaryTriangles', () => {
  it('two elements sharing a face: six outward triangles', () => {
    // Both positively oriented: det of the second's edges from node 1 is 2.
    const mesh: TetMesh = {
      nodes: Float64Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]),
      tets: Uint32Array.from([0, 1, 2, 3, 1, 2, 3, 4]),
    };
    expect(meshQuality(mesh).invertedCount).toBe(0);
    const triangles = boundaryTriangles(mesh);
    expect(triangles.length).toBe(18);
    // The shared face (1, 2, 3) is not on the boundary.
    for (let t = 0; t < triangles.length; t += 3) {
      const face = Array.from(triangles.subarray(t, t + 3)).sort();
      expect(face).not.toEqual([1, 2, 3]);
    }
    // Outward: the normal points away from the centroid of the pair.
    const centroid = [0.4, 0.4, 0.4];
    for (let t = 0; t < triangles.length; t += 3) {
      const p = [0, 1, 2].map((k) =>
        Array.from(mesh.nodes.subarray(3 * triangles[t + k], 3 * triangles[t + k] + 3)),
      );
      const u = p[1].map((v, i) => v - p[0][i]);
      const v = p[2].map((x, i) => x - p[0][i]);
      const n = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
      const toFace = p[0].map((x, i) => x - centroid[i]);
      expect(n[0] * toFace[0] + n[1] * toFace[1] + n[2] * toFace[2]).toBeGreaterThan(0);
    }
  });
});

function flip(mesh: TetMesh): TetMesh {
  const tets = mesh.tets.slice();
  [tets[2], tets[3]] = [tets[3], tets[2]];
  return { nodes: mesh.nodes, tets };
}
