import { describe, expect, it } from 'vitest';

import {
  keepComponents,
  keepLargestComponent,
  tetComponents,
  tetFaceNeighbours,
} from '../../meshing/components.js';
import type { TetMesh } from '../../meshing/tetMesh.js';

/**
 * Unit cubes at the given integer corners, each split into the six tetrahedra around its main
 * diagonal (the same split in every cube, so cubes sharing a face share its two triangles).
 * Nodes at the same point are merged.
 */
function cubes(corners: number[][]): TetMesh {
  const ids = new Map<string, number>();
  const nodes: number[] = [];
  const node = (p: number[]) => {
    const key = p.join(',');
    if (!ids.has(key)) {
      ids.set(key, nodes.length / 3);
      nodes.push(...p);
    }
    return ids.get(key)!;
  };
  const tets: number[] = [];
  // Paths from (0,0,0) to (1,1,1) along the axes in every order: 6 tetrahedra of volume 1/6.
  const orders = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  for (const c of corners) {
    for (const order of orders) {
      const p = [c.slice()];
      for (const axis of order) {
        const next = p[p.length - 1].slice();
        next[axis] += 1;
        p.push(next);
      }
      const v = p.map(node);
      // Orient positively: the sign of the path permutation decides.
      const even =
        order[0] === 0 ? order[1] === 1 : order[0] === 1 ? order[1] === 2 : order[1] === 0;
      tets.push(...(even ? v : [v[0], v[2], v[1], v[3]]));
    }
  }
  return { nodes: Float64Array.from(nodes), tets: Uint32Array.from(tets) };
}

describe('face-connected components', () => {
  it('cubes sharing a face are one component, with 2 x 2 internal faces matched', () => {
    const mesh = cubes([
      [0, 0, 0],
      [1, 0, 0],
    ]);
    const neighbours = tetFaceNeighbours(mesh);
    // 12 elements, 48 faces: each cube has 6 internal faces (12 slots) and the shared
    // square adds 2 pairs (4 slots): 28 matched slots, 20 on the boundary.
    expect(neighbours.filter((n) => n >= 0).length).toBe(28);
    expect(tetComponents(mesh).count).toBe(1);
  });

  it('blobs touching along an edge only are two components', () => {
    // Cube B = [1,2]x[1,2]x[0,1] meets cube A = [0,1]^3 along the edge x = y = 1.
    const mesh = cubes([
      [0, 0, 0],
      [1, 1, 0],
    ]);
    expect(mesh.nodes.length / 3).toBe(14);
    const components = tetComponents(mesh);
    expect(components.count).toBe(2);
    expect(Array.from(components.volumesMm3)).toEqual([1, 1].map((v) => expect.closeTo(v, 12)));
  });

  it('blobs touching at a vertex only are two components', () => {
    const mesh = cubes([
      [0, 0, 0],
      [1, 1, 1],
    ]);
    expect(mesh.nodes.length / 3).toBe(15);
    expect(tetComponents(mesh).count).toBe(2);
  });

  it('keeps the largest component and reports the dropped volumes', () => {
    // A alone (1 mm3), then B + C face-connected (2 mm3) touching A along an edge, then D
    // (1 mm3) far away.
    const mesh = cubes([
      [0, 0, 0],
      [1, 1, 0],
      [2, 1, 0],
      [5, 5, 5],
    ]);
    const kept = keepLargestComponent(mesh);
    expect(kept.mesh.tets.length / 4).toBe(12);
    expect(Array.from(kept.keptTets)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect(kept.mesh.nodes.length / 3).toBe(12);
    expect(Array.from(kept.droppedVolumesMm3)).toEqual([1, 1].map((v) => expect.closeTo(v, 12)));
    for (let n = 0; n < kept.keptNodes.length; n++) {
      const old = kept.keptNodes[n];
      expect(Array.from(kept.mesh.nodes.subarray(3 * n, 3 * n + 3))).toEqual(
        Array.from(mesh.nodes.subarray(3 * old, 3 * old + 3)),
      );
    }
    for (const x of kept.mesh.nodes.filter((_, i) => i % 3 === 0))
      expect(x).toBeGreaterThanOrEqual(1);
  });

  it('keeps the component holding a chosen element', () => {
    const mesh = cubes([
      [0, 0, 0],
      [1, 1, 0],
      [2, 1, 0],
    ]);
    const kept = keepComponents(mesh, (c, all) => c === all.componentOfTet[3]);
    expect(Array.from(kept.keptTets)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(kept.droppedVolumesMm3)).toEqual([expect.closeTo(2, 12)]);
  });
});
