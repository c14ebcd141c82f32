import { describe, expect, it } from 'vitest';

import {
  BCC_MEAN_EDGE_PER_SPACING,
  createBccLattice,
  forEachLatticeTet,
  latticeVertexCoords,
  latticeVertexId,
} from '../../meshing/bccLattice.js';

describe('BCC lattice', () => {
  const lattice = createBccLattice([0.1, 0.2, 0.3], [2.9, 2.1, 3.7], 0.5);

  it('vertex ids and doubled coordinates round-trip', () => {
    const c = new Int32Array(3);
    for (let v = 0; v < lattice.vertexCount; v++) {
      latticeVertexCoords(lattice, v, c);
      expect(latticeVertexId(lattice, c[0], c[1], c[2])).toBe(v);
    }
    expect(latticeVertexId(lattice, -2, 0, 0)).toBe(-1);
  });

  it('tetrahedra have volume s^3 / 12, two long and four short edges, and fill the box', () => {
    const s = lattice.spacingMm;
    const c = [new Int32Array(3), new Int32Array(3), new Int32Array(3), new Int32Array(3)];
    let total = 0;
    let count = 0;
    forEachLatticeTet(lattice, (a, b, p, q) => {
      [a, b, p, q].forEach((v, k) => latticeVertexCoords(lattice, v, c[k]));
      const d = [1, 2, 3].map((k) => [0, 1, 2].map((x) => (c[k][x] - c[0][x]) * (s / 2)));
      const volume =
        (d[0][0] * (d[1][1] * d[2][2] - d[1][2] * d[2][1]) -
          d[0][1] * (d[1][0] * d[2][2] - d[1][2] * d[2][0]) +
          d[0][2] * (d[1][0] * d[2][1] - d[1][1] * d[2][0])) /
        6;
      expect(Math.abs(volume)).toBeCloseTo(s ** 3 / 12, 12);
      total += Math.abs(volume);
      count++;
      const squared = (i: number, j: number) =>
        [0, 1, 2].reduce((sum, x) => sum + (c[i][x] - c[j][x]) ** 2, 0);
      expect(squared(0, 1)).toBe(4); // long edges: 2 in doubled units
      expect(squared(2, 3)).toBe(4);
      for (const [i, j] of [
        [0, 2],
        [0, 3],
        [1, 2],
        [1, 3],
      ])
        expect(squared(i, j)).toBe(3);
    });
    // Cubes that have a neighbour along an axis contribute 4 tets per axis; the centre-centre
    // edges fill the box interior except half a cube at each face.
    const [cx, cy, cz] = lattice.cubes;
    const expectedCount = 4 * ((cx - 1) * cy * cz + cx * (cy - 1) * cz + cx * cy * (cz - 1));
    expect(count).toBe(expectedCount);
    expect(total).toBeCloseTo((expectedCount * s ** 3) / 12, 9);
  });

  it('the tetrahedron across a face has the mirror image of the opposite vertex', () => {
    const faces = new Map<string, number[][]>();
    const c = [new Int32Array(3), new Int32Array(3), new Int32Array(3), new Int32Array(3)];
    forEachLatticeTet(lattice, (...ids) => {
      ids.forEach((v, k) => latticeVertexCoords(lattice, v, c[k]));
      for (let k = 0; k < 4; k++) {
        const face = ids.filter((_, i) => i !== k).sort((x, y) => x - y);
        const list = faces.get(face.join()) ?? [];
        list.push([...c.filter((_, i) => i !== k).flatMap((p) => Array.from(p)), ...c[k]]);
        faces.set(face.join(), list);
      }
    });
    let shared = 0;
    for (const list of faces.values()) {
      expect(list.length).toBeLessThanOrEqual(2);
      if (list.length < 2) continue;
      shared++;
      const [x, y, z, d] = [0, 3, 6, 9].map((o) => list[0].slice(o, o + 3));
      const u = y.map((v, i) => v - x[i]);
      const w = z.map((v, i) => v - x[i]);
      const n = [u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]];
      const along =
        (2 * d.reduce((s, v, i) => s + (v - x[i]) * n[i], 0)) / n.reduce((s, v) => s + v * v, 0);
      const mirror = d.map((v, i) => v - along * n[i]);
      expect(mirror).toEqual(list[1].slice(9, 12));
    }
    expect(shared).toBeGreaterThan(100);
  });

  it('the mean length of the distinct edges is BCC_MEAN_EDGE_PER_SPACING times the spacing', () => {
    // Per cube: 3 corner-corner + 3 centre-centre long edges (length s) and 8 short edges
    // (length s sqrt(3) / 2); a 12-cube lattice has a boundary layer that shifts the mix a bit.
    const big = createBccLattice([0, 0, 0], [10, 10, 10], 1);
    const c = [new Int32Array(3), new Int32Array(3)];
    const lengths = new Map<number, number>();
    forEachLatticeTet(big, (...ids) => {
      for (let i = 0; i < 4; i++) {
        for (let j = i + 1; j < 4; j++) {
          const [a, b] = [Math.min(ids[i], ids[j]), Math.max(ids[i], ids[j])];
          latticeVertexCoords(big, a, c[0]);
          latticeVertexCoords(big, b, c[1]);
          const d2 = [0, 1, 2].reduce((s, x) => s + (c[0][x] - c[1][x]) ** 2, 0);
          lengths.set(a * big.vertexCount + b, Math.sqrt(d2) / 2);
        }
      }
    });
    let sum = 0;
    for (const length of lengths.values()) sum += length;
    expect(sum / lengths.size / BCC_MEAN_EDGE_PER_SPACING).toBeCloseTo(1, 2);
  });
});
