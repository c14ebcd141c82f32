import { describe, expect, it } from 'vitest';

import { dropPoorElements } from '../../meshing/stuffingRepair.js';
import type { TetMesh } from '../../meshing/tetMesh.js';
import { sphereDomain } from '../../meshing/implicitDomain.js';
import { stuffTetrahedra } from '../../meshing/stuffing.js';
import { meshQuality } from '../../meshing/quality.js';
import { expectConformingAndClosed } from './stuffingChecks.js';

/**
 * Nodes: 0..3 a BCC lattice tetrahedron (dihedral angles 60 and 90 degrees); 4 a point 0.07 mm
 * beyond the plane x + z = 2 of face (1, 2, 3), over the face's inside, making a sliver with it;
 * 5 and 6 in the plane z = 0 with nodes 0 and 1 (a flat element).
 */
const NODES = new Float64Array([
  ...[0, 0, 0],
  ...[2, 0, 0],
  ...[1, 1, 1],
  ...[1, -1, 1],
  ...[1.6, 0, 0.5],
  ...[5, 3, 0],
  ...[1, 4, 0],
]);

describe('dropPoorElements', () => {
  it('keeps a mesh whose elements are all within the bounds unchanged', () => {
    const mesh: TetMesh = { nodes: NODES.slice(0, 12), tets: new Uint32Array([0, 1, 2, 3]) };
    const repaired = dropPoorElements(mesh, 10, 165);
    expect(repaired.droppedCount).toBe(0);
    expect(repaired.droppedVolumeMm3).toBe(0);
    expect(Array.from(repaired.mesh.tets)).toEqual([0, 1, 2, 3]);
    expect(Array.from(repaired.mesh.nodes)).toEqual(Array.from(NODES.slice(0, 12)));
  });

  it('removes a sliver and a flat element, their volume and their unused nodes', () => {
    // Orientation by hand: (1 - 0) x (2 - 0) . (3 - 0) = (0, -2, 2) . (1, -1, 1) = 4 > 0.
    // Sliver (1, 2, 3, 4): (2 - 1) x (3 - 1) = (-1, 1, 1) x (-1, -1, 1) = (2, 0, 2), and
    // (2, 0, 2) . (4 - 1) = (2, 0, 2) . (-0.4, 0, 0.5) = 0.2 = 6 V > 0. Node 4 is
    // 0.2 / |(2, 0, 2)| = 0.07 mm off a face 2 mm wide: angles near 0 and 180 degrees.
    const mesh: TetMesh = {
      nodes: NODES,
      tets: new Uint32Array([0, 1, 2, 3, 1, 2, 3, 4, 0, 1, 5, 6]),
    };
    const sliver = dropPoorElements({ nodes: NODES, tets: new Uint32Array([1, 2, 3, 4]) }, 0, 180);
    expect(sliver.droppedCount).toBe(0);

    const repaired = dropPoorElements(mesh, 10, 165);
    expect(repaired.droppedCount).toBe(2);
    expect(repaired.droppedVolumeMm3).toBeCloseTo(0.2 / 6, 12);
    expect(Array.from(repaired.mesh.tets)).toEqual([0, 1, 2, 3]);
    expect(repaired.mesh.nodes.length).toBe(12);
  });

  it('renumbers the kept nodes in their order', () => {
    // Node 4 moved to the front: the sliver is (2, 3, 4, 0), the lattice element (1, 2, 3, 4).
    const nodes = new Float64Array([...NODES.slice(12, 15), ...NODES.slice(0, 12)]);
    const mesh: TetMesh = { nodes, tets: new Uint32Array([2, 3, 4, 0, 1, 2, 3, 4]) };
    const repaired = dropPoorElements(mesh, 10, 165);
    expect(repaired.droppedCount).toBe(1);
    expect(Array.from(repaired.mesh.tets)).toEqual([0, 1, 2, 3]);
    expect(Array.from(repaired.mesh.nodes)).toEqual(Array.from(NODES.slice(0, 12)));
  });

  it('on a stuffed sphere with tight bounds: conforming, closed, the volume accounted for', () => {
    // Bounds of 20..140 degrees make the repair remove many surface elements of a real mesh.
    const mesh = stuffTetrahedra(sphereDomain([0.2, 0.1, -0.3], 6), { edgeLengthMm: 1 });
    const before = meshQuality(mesh);
    const repaired = dropPoorElements(mesh, 20, 140);
    const after = meshQuality(repaired.mesh);
    expect(repaired.droppedCount).toBeGreaterThan(0);
    expect(after.elementCount).toBe(before.elementCount - repaired.droppedCount);
    expect(after.minDihedralDeg).toBeGreaterThanOrEqual(20);
    expect(after.maxDihedralDeg).toBeLessThanOrEqual(140);
    expect(after.invertedCount).toBe(0);
    expect(after.volumeMm3 + repaired.droppedVolumeMm3).toBeCloseTo(before.volumeMm3, 9);
    expectConformingAndClosed(repaired.mesh);
  });
});
