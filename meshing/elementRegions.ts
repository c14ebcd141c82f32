/**
 * Element regions from voxel regions, and the nodes of the flat cap faces.
 *
 * An element takes the region of the voxel nearest to its centroid; an element whose centroid
 * falls on an Outside voxel (the smoothed surface bulges past the voxels) takes the region of
 * the nearest labelled voxel, found by a 6-connected breadth-first search from all labelled
 * voxels (a city-block approximation of the nearest voxel).
 */
import type { GridGeometry } from '../input/volume.js';
import { faceNeighbours, VoxelRegion } from '../input/volume.js';
import { boundaryTriangles } from './quality.js';
import { ElementRegion, type TetMesh } from './tetMesh.js';
import { applyAffine, nearestVoxelIndex, worldToVoxelAffine } from './voxelFrame.js';

/** The element region of a labelled voxel region. */
export function elementRegionOf(region: number): ElementRegion {
  switch (region) {
    case VoxelRegion.BodyTrabecular:
    case VoxelRegion.BodyCortical:
      return ElementRegion.Body;
    case VoxelRegion.PosteriorTrabecular:
    case VoxelRegion.PosteriorCortical:
      return ElementRegion.Posterior;
    case VoxelRegion.CapInferior:
      return ElementRegion.CapInferior;
    case VoxelRegion.CapSuperior:
      return ElementRegion.CapSuperior;
    default:
      throw new Error(`no element region for voxel region ${region} (split whole vertebrae first)`);
  }
}

/** Per voxel: the region of the nearest labelled voxel (6-connected BFS; 0 if none at all). */
export function nearestRegionMap(dims: readonly number[], regions: Uint8Array): Uint8Array {
  const out = Uint8Array.from(regions);
  const next = new Int32Array(6);
  const queue = new Uint32Array(regions.length);
  let head = 0;
  let tail = 0;
  for (let v = 0; v < regions.length; v++)
    if (regions[v] !== VoxelRegion.Outside) queue[tail++] = v;
  while (head < tail) {
    const v = queue[head++];
    for (const w of faceNeighbours(next, dims, v)) {
      if (w < 0 || out[w] !== VoxelRegion.Outside) continue;
      out[w] = out[v];
      queue[tail++] = w;
    }
  }
  return out;
}

/** {@link ElementRegion} of every element of `mesh`, sampled at centroids (module comment). */
export function sampleElementRegions(
  mesh: TetMesh,
  grid: GridGeometry,
  regions: Uint8Array,
): Uint8Array {
  const nearest = nearestRegionMap(grid.dims, regions);
  const toVoxel = worldToVoxelAffine(grid);
  const uvw = new Float64Array(3);
  const tetCount = mesh.tets.length / 4;
  const out = new Uint8Array(tetCount);
  for (let e = 0; e < tetCount; e++) {
    let x = 0;
    let y = 0;
    let z = 0;
    for (let c = 0; c < 4; c++) {
      const n = 3 * mesh.tets[4 * e + c];
      x += mesh.nodes[n] / 4;
      y += mesh.nodes[n + 1] / 4;
      z += mesh.nodes[n + 2] / 4;
    }
    applyAffine(uvw, toVoxel, x, y, z);
    const v = nearestVoxelIndex(grid, uvw[0], uvw[1], uvw[2]);
    if (v < 0) throw new Error(`element ${e} centroid lies outside the image grid`);
    out[e] = elementRegionOf(nearest[v]);
  }
  return out;
}

/**
 * Boundary nodes within `toleranceMm` of the plane axis . x = planeMm that belong to elements
 * of `region` only (a posterior element cut by the plane contributes no face node).
 */
export function planeFaceNodes(
  mesh: TetMesh,
  elementRegions: Uint8Array,
  region: ElementRegion,
  axis: readonly number[],
  planeMm: number,
  toleranceMm: number,
): Uint32Array {
  const nodeCount = mesh.nodes.length / 3;
  const onBoundary = new Uint8Array(nodeCount);
  for (const n of boundaryTriangles(mesh)) onBoundary[n] = 1;
  const inRegion = new Uint8Array(nodeCount);
  const inOther = new Uint8Array(nodeCount);
  for (let e = 0; e < elementRegions.length; e++) {
    const mark = elementRegions[e] === region ? inRegion : inOther;
    for (let c = 0; c < 4; c++) mark[mesh.tets[4 * e + c]] = 1;
  }

  const nodes: number[] = [];
  for (let n = 0; n < nodeCount; n++) {
    if (!onBoundary[n] || !inRegion[n] || inOther[n]) continue;
    const s =
      axis[0] * mesh.nodes[3 * n] +
      axis[1] * mesh.nodes[3 * n + 1] +
      axis[2] * mesh.nodes[3 * n + 2];
    if (Math.abs(s - planeMm) <= toleranceMm) nodes.push(n);
  }
  return Uint32Array.from(nodes);
}

/** Number of nodes shared by an element of region `a` and an element of region `b`. */
export function sharedNodeCount(
  mesh: TetMesh,
  elementRegions: Uint8Array,
  a: readonly ElementRegion[],
  b: readonly ElementRegion[],
): number {
  const nodeCount = mesh.nodes.length / 3;
  const inA = new Uint8Array(nodeCount);
  const inB = new Uint8Array(nodeCount);
  for (let e = 0; e < elementRegions.length; e++) {
    const r = elementRegions[e] as ElementRegion;
    for (let c = 0; c < 4; c++) {
      const n = mesh.tets[4 * e + c];
      if (a.includes(r)) inA[n] = 1;
      if (b.includes(r)) inB[n] = 1;
    }
  }
  let count = 0;
  for (let n = 0; n < nodeCount; n++) if (inA[n] && inB[n]) count++;
  return count;
}
