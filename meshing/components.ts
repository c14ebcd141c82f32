/**
 * Face-connected components of a tetrahedral mesh. Two elements are connected when they share a
 * whole triangular face; elements touching only along an edge or at a vertex are not (such a
 * contact carries no load in a finite-element model).
 *
 * Use {@link keepLargestComponent} to drop islands after meshing (and warn with the dropped
 * volumes), or {@link keepComponents} to keep, for example, the component holding given elements.
 */

import type { TetMesh } from './tetMesh.js';

/**
 * Local vertex indices of the face opposite vertex k of a tetrahedron, ordered so that the face
 * normal (b - a) x (c - a) points outwards for a positively oriented element.
 */
export const TET_FACES: readonly (readonly [number, number, number])[] = [
  [1, 2, 3],
  [0, 3, 2],
  [0, 1, 3],
  [0, 2, 1],
];

/**
 * For each element e and local face k (opposite vertex k), the element across that face, or -1
 * on the boundary: entry 4 * e + k. Faces are matched by their three node ids, bucketed by the
 * smallest; time is linear in the number of elements.
 */
export function tetFaceNeighbours(mesh: TetMesh): Int32Array {
  const { tets } = mesh;
  const faceCount = tets.length;
  const nodeCount = mesh.nodes.length / 3;
  const low = new Uint32Array(faceCount);
  const mid = new Uint32Array(faceCount);
  const high = new Uint32Array(faceCount);
  for (let f = 0; f < faceCount; f++) {
    const base = f - (f % 4);
    const [a, b, c] = TET_FACES[f % 4];
    sortThree(tets[base + a], tets[base + b], tets[base + c], f, low, mid, high);
  }

  const start = new Uint32Array(nodeCount + 1);
  for (let f = 0; f < faceCount; f++) start[low[f] + 1]++;
  for (let n = 0; n < nodeCount; n++) start[n + 1] += start[n];
  const fill = start.slice(0, nodeCount);
  const bucket = new Uint32Array(faceCount);
  for (let f = 0; f < faceCount; f++) bucket[fill[low[f]]++] = f;

  const neighbours = new Int32Array(faceCount).fill(-1);
  for (let n = 0; n < nodeCount; n++) {
    for (let i = start[n]; i < start[n + 1]; i++) {
      const f = bucket[i];
      if (neighbours[f] >= 0) continue;
      for (let j = i + 1; j < start[n + 1]; j++) {
        const g = bucket[j];
        if (mid[g] !== mid[f] || high[g] !== high[f]) continue;
        if (neighbours[g] >= 0) {
          throw new Error(`tetFaceNeighbours: a face is shared by more than two elements`);
        }
        neighbours[f] = g >> 2;
        neighbours[g] = f >> 2;
        break;
      }
    }
  }
  return neighbours;
}

function sortThree(
  a: number,
  b: number,
  c: number,
  f: number,
  low: Uint32Array,
  mid: Uint32Array,
  high: Uint32Array,
) {
  if (a > b) [a, b] = [b, a];
  if (b > c) [b, c] = [c, b];
  if (a > b) [a, b] = [b, a];
  low[f] = a;
  mid[f] = b;
  high[f] = c;
}

/** Face-connected components of a mesh. */
export interface TetComponents {
  /** Number of components. */
  readonly count: number;
  /** Component index of every element, 0-based; components are numbered by first element. */
  readonly componentOfTet: Uint32Array;
  /** Volume of every component, mm3. */
  readonly volumesMm3: Float64Array;
}

/** Labels the face-connected components of `mesh` and measures their volumes. */
export function tetComponents(mesh: TetMesh): TetComponents {
  const neighbours = tetFaceNeighbours(mesh);
  const elementCount = mesh.tets.length / 4;
  const componentOfTet = new Uint32Array(elementCount).fill(0xffffffff);
  const stack = new Uint32Array(elementCount);
  const volumes: number[] = [];

  for (let seed = 0; seed < elementCount; seed++) {
    if (componentOfTet[seed] !== 0xffffffff) continue;
    const component = volumes.length;
    let volume = 0;
    let top = 0;
    stack[top++] = seed;
    componentOfTet[seed] = component;
    while (top > 0) {
      const e = stack[--top];
      volume += tetVolumeMm3(mesh, e);
      for (let k = 0; k < 4; k++) {
        const other = neighbours[4 * e + k];
        if (other < 0 || componentOfTet[other] !== 0xffffffff) continue;
        componentOfTet[other] = component;
        stack[top++] = other;
      }
    }
    volumes.push(volume);
  }
  return { count: volumes.length, componentOfTet, volumesMm3: Float64Array.from(volumes) };
}

/** A mesh cut down to some of its elements, with the maps back to the original. */
export interface KeptMesh {
  /** The kept elements on compacted nodes (only nodes they use). */
  readonly mesh: TetMesh;
  /** Original element index of every kept element. */
  readonly keptTets: Uint32Array;
  /** Original node index of every kept node. */
  readonly keptNodes: Uint32Array;
  /** Volumes of the dropped components, mm3, largest first. */
  readonly droppedVolumesMm3: Float64Array;
}

/**
 * Keeps the components for which `keep(component, components)` is true. For example, to keep
 * the component holding element e: `keepComponents(mesh, (c, all) => c === all.componentOfTet[e])`.
 */
export function keepComponents(
  mesh: TetMesh,
  keep: (component: number, components: TetComponents) => boolean,
): KeptMesh {
  const components = tetComponents(mesh);
  const kept = new Uint8Array(components.count);
  const dropped: number[] = [];
  for (let c = 0; c < components.count; c++) {
    kept[c] = keep(c, components) ? 1 : 0;
    if (!kept[c]) dropped.push(components.volumesMm3[c]);
  }
  dropped.sort((a, b) => b - a);

  const elementCount = mesh.tets.length / 4;
  const keptTets: number[] = [];
  for (let e = 0; e < elementCount; e++) if (kept[components.componentOfTet[e]]) keptTets.push(e);
  return {
    ...subMesh(mesh, Uint32Array.from(keptTets)),
    droppedVolumesMm3: Float64Array.from(dropped),
  };
}

/** Keeps the face-connected component of largest volume (the first one on a tie). */
export function keepLargestComponent(mesh: TetMesh): KeptMesh {
  let largest = -1;
  return keepComponents(mesh, (c, all) => {
    if (largest < 0) {
      largest = 0;
      for (let k = 1; k < all.count; k++) {
        if (all.volumesMm3[k] > all.volumesMm3[largest]) largest = k;
      }
    }
    return c === largest;
  });
}

/** The elements `keptTets` of `mesh` on compacted nodes, with the node map back. */
function subMesh(mesh: TetMesh, keptTets: Uint32Array) {
  const newId = new Int32Array(mesh.nodes.length / 3).fill(-1);
  const tets = new Uint32Array(4 * keptTets.length);
  const keptNodes: number[] = [];
  for (let t = 0; t < keptTets.length; t++) {
    for (let k = 0; k < 4; k++) {
      const old = mesh.tets[4 * keptTets[t] + k];
      if (newId[old] < 0) {
        newId[old] = keptNodes.length;
        keptNodes.push(old);
      }
      tets[4 * t + k] = newId[old];
    }
  }
  const nodes = new Float64Array(3 * keptNodes.length);
  for (let n = 0; n < keptNodes.length; n++) {
    nodes.set(mesh.nodes.subarray(3 * keptNodes[n], 3 * keptNodes[n] + 3), 3 * n);
  }
  return { mesh: { nodes, tets }, keptTets, keptNodes: Uint32Array.from(keptNodes) };
}

/** Signed volume of element `e` in mm3. */
export function tetVolumeMm3(mesh: TetMesh, e: number): number {
  const { nodes, tets } = mesh;
  const a = 3 * tets[4 * e];
  const d = [1, 2, 3].map((k) => {
    const n = 3 * tets[4 * e + k];
    return [nodes[n] - nodes[a], nodes[n + 1] - nodes[a + 1], nodes[n + 2] - nodes[a + 2]];
  });
  const [u, v, w] = d;
  return (
    (u[0] * (v[1] * w[2] - v[2] * w[1]) -
      u[1] * (v[0] * w[2] - v[2] * w[0]) +
      u[2] * (v[0] * w[1] - v[1] * w[0])) /
    6
  );
}
