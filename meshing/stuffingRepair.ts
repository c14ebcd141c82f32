/**
 * The last step of isosurface stuffing: a local repair that makes the dihedral-angle bound hold
 * whatever the input. Every element whose dihedral angles leave [minDeg, maxDeg], or whose
 * volume is not positive, is removed, and the nodes no element uses any more are dropped.
 *
 * Removing an element changes no other element, so one pass leaves every element within the
 * bounds. The result is still conforming (a subset of a conforming mesh: two elements meet in a
 * whole face, edge or node, or not at all), its boundary is still closed (the boundary of any
 * union of tetrahedra is), and every element keeps its positive orientation. What is lost is the
 * volume of the removed elements, which the caller can check; the boundary there may pass
 * through an interior node, and a removed element with no boundary face leaves a closed void.
 */

import type { TetMesh } from './tetMesh.js';
import { dihedralAnglesDeg } from './quality.js';

/** A mesh after {@link dropPoorElements}, with what was removed. */
export interface RepairedMesh {
  /** The kept elements on their compacted nodes (world mm). */
  readonly mesh: TetMesh;
  /** Number of elements removed. */
  readonly droppedCount: number;
  /** Sum of the positive volumes of the removed elements, mm3. */
  readonly droppedVolumeMm3: number;
}

/**
 * Removes every element of `mesh` with a dihedral angle below `minDeg` or above `maxDeg`
 * (degrees) or a signed volume <= 0, then the unused nodes. Kept elements and nodes keep their
 * relative order.
 */
export function dropPoorElements(mesh: TetMesh, minDeg: number, maxDeg: number): RepairedMesh {
  const { nodes, tets } = mesh;
  const elementCount = tets.length / 4;
  const keep = new Uint8Array(elementCount);
  const p = new Float64Array(12);
  const angles = new Float64Array(6);
  const normals = new Float64Array(12);
  let droppedCount = 0;
  let droppedVolume = 0;

  for (let e = 0; e < elementCount; e++) {
    for (let k = 0; k < 4; k++) {
      const n = 3 * tets[4 * e + k];
      p[3 * k] = nodes[n];
      p[3 * k + 1] = nodes[n + 1];
      p[3 * k + 2] = nodes[n + 2];
    }
    const volume6 = dihedralAnglesDeg(p, angles, normals);
    let good = volume6 > 0;
    for (let a = 0; a < 6 && good; a++) good = angles[a] >= minDeg && angles[a] <= maxDeg;
    if (good) {
      keep[e] = 1;
    } else {
      droppedCount++;
      droppedVolume += Math.max(0, volume6 / 6);
    }
  }
  if (droppedCount === 0) return { mesh, droppedCount, droppedVolumeMm3: 0 };

  const newId = new Int32Array(nodes.length / 3).fill(-1);
  for (let e = 0; e < elementCount; e++) {
    if (!keep[e]) continue;
    for (let k = 0; k < 4; k++) newId[tets[4 * e + k]] = 0;
  }
  let nodeCount = 0;
  for (let n = 0; n < newId.length; n++) if (newId[n] === 0) newId[n] = nodeCount++;

  const outNodes = new Float64Array(3 * nodeCount);
  for (let n = 0; n < newId.length; n++) {
    if (newId[n] >= 0) outNodes.set(nodes.subarray(3 * n, 3 * n + 3), 3 * newId[n]);
  }
  const outTets = new Uint32Array(4 * (elementCount - droppedCount));
  let t = 0;
  for (let e = 0; e < elementCount; e++) {
    if (!keep[e]) continue;
    for (let k = 0; k < 4; k++) outTets[t++] = newId[tets[4 * e + k]];
  }
  return {
    mesh: { nodes: outNodes, tets: outTets },
    droppedCount,
    droppedVolumeMm3: droppedVolume,
  };
}
