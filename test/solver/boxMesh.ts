/**
 * Structured test meshes: an axis-aligned box of nx x ny x nz cubes, each split into six
 * tetrahedra around its main diagonal (Kuhn split; neighbouring cubes conform), optionally with
 * interior nodes displaced at random to make the mesh irregular.
 */
import type { TetMesh } from '../../meshing/tetMesh.js';

/** A box mesh plus helpers to find its nodes. */
export interface BoxMesh extends TetMesh {
  readonly counts: readonly [number, number, number];
  readonly sizeMm: readonly [number, number, number];
  /** Node index of lattice point (i, j, k). */
  nodeAt(i: number, j: number, k: number): number;
}

/** Deterministic pseudo-random numbers in [0, 1) (a linear congruential generator). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/**
 * Builds the box [0, sx] x [0, sy] x [0, sz] mm. `jitter` (fraction of the cell size, < 0.25
 * keeps every element positive) moves interior nodes at random; boundary nodes stay on their
 * faces (moved only within the face) so that the box keeps its shape.
 */
export function boxMesh(
  counts: readonly [number, number, number],
  sizeMm: readonly [number, number, number],
  jitter = 0,
  seed = 1,
): BoxMesh {
  const [nx, ny, nz] = counts;
  const nodeAt = (i: number, j: number, k: number) => i + (nx + 1) * (j + (ny + 1) * k);
  const nodeCount = (nx + 1) * (ny + 1) * (nz + 1);
  const nodes = new Float64Array(3 * nodeCount);
  const random = seededRandom(seed);
  const cell = [sizeMm[0] / nx, sizeMm[1] / ny, sizeMm[2] / nz];

  for (let k = 0; k <= nz; k++) {
    for (let j = 0; j <= ny; j++) {
      for (let i = 0; i <= nx; i++) {
        const n = nodeAt(i, j, k);
        const index = [i, j, k];
        for (let c = 0; c < 3; c++) {
          const onBoundary = index[c] === 0 || index[c] === counts[c];
          const shift = onBoundary ? 0 : (random() - 0.5) * 2 * jitter * cell[c];
          nodes[3 * n + c] = index[c] * cell[c] + shift;
        }
      }
    }
  }

  // Six tetrahedra per cube: paths 0 -> e_a -> e_a + e_b -> 7 over the axis permutations.
  const permutations = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  const tets = new Uint32Array(4 * 6 * nx * ny * nz);
  let t = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        for (const [a, b] of permutations) {
          const step = [0, 0, 0];
          const corners = [nodeAt(i, j, k)];
          step[a] = 1;
          corners.push(nodeAt(i + step[0], j + step[1], k + step[2]));
          step[b] = 1;
          corners.push(nodeAt(i + step[0], j + step[1], k + step[2]));
          corners.push(nodeAt(i + 1, j + 1, k + 1));
          if (signedVolume(nodes, corners) < 0) [corners[2], corners[3]] = [corners[3], corners[2]];
          tets.set(corners, t);
          t += 4;
        }
      }
    }
  }
  return { nodes, tets, counts, sizeMm, nodeAt };
}

/** Signed volume (mm3) of the tetrahedron with node indices `c`. */
export function signedVolume(nodes: Float64Array, c: number[]): number {
  const p = (n: number, d: number) => nodes[3 * c[n] + d] - nodes[3 * c[0] + d];
  const [ax, ay, az] = [p(1, 0), p(1, 1), p(1, 2)];
  const [bx, by, bz] = [p(2, 0), p(2, 1), p(2, 2)];
  const [cx, cy, cz] = [p(3, 0), p(3, 1), p(3, 2)];
  return (ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx)) / 6;
}

/** Indices of the nodes whose coordinate `axis` equals `value` (within 1e-9 mm). */
export function nodesWhere(mesh: TetMesh, axis: number, value: number): Uint32Array {
  const out: number[] = [];
  for (let n = 0; n < mesh.nodes.length / 3; n++) {
    if (Math.abs(mesh.nodes[3 * n + axis] - value) < 1e-9) out.push(n);
  }
  return Uint32Array.from(out);
}

/** Centroid coordinate `axis` of element e. */
export function centroid(mesh: TetMesh, e: number, axis: number): number {
  let sum = 0;
  for (let a = 0; a < 4; a++) sum += mesh.nodes[3 * mesh.tets[4 * e + a] + axis];
  return sum / 4;
}
