/**
 * Hand-built inputs for the model-builder tests: a box split into Kuhn tetrahedra and synthetic
 * vertebra images on axis-aligned grids.
 */
import type { VertebraImage } from '../../input/volume.js';
import type { TetMesh } from '../../meshing/tetMesh.js';

/** Signed volume in mm3 of tetrahedron e. */
export function tetVolume(mesh: TetMesh, e: number): number {
  const p = (c: number, d: number) => mesh.nodes[3 * mesh.tets[4 * e + c] + d];
  const a = [p(1, 0) - p(0, 0), p(1, 1) - p(0, 1), p(1, 2) - p(0, 2)];
  const b = [p(2, 0) - p(0, 0), p(2, 1) - p(0, 1), p(2, 2) - p(0, 2)];
  const c = [p(3, 0) - p(0, 0), p(3, 1) - p(0, 1), p(3, 2) - p(0, 2)];
  const det =
    a[0] * (b[1] * c[2] - b[2] * c[1]) -
    a[1] * (b[0] * c[2] - b[2] * c[0]) +
    a[2] * (b[0] * c[1] - b[1] * c[0]);
  return det / 6;
}

/**
 * A box [origin, origin + counts * cellMm] split into cubes of edge cellMm, each cut into the six
 * Kuhn tetrahedra around its main diagonal, positively oriented.
 */
export function kuhnBox(
  counts: [number, number, number],
  cellMm: [number, number, number],
  origin: [number, number, number] = [0, 0, 0],
): TetMesh {
  const [nx, ny, nz] = counts;
  const nodeId = (i: number, j: number, k: number) => i + (nx + 1) * (j + (ny + 1) * k);
  const nodes = new Float64Array(3 * (nx + 1) * (ny + 1) * (nz + 1));
  for (let k = 0; k <= nz; k++) {
    for (let j = 0; j <= ny; j++) {
      for (let i = 0; i <= nx; i++) {
        const n = nodeId(i, j, k);
        nodes[3 * n] = origin[0] + i * cellMm[0];
        nodes[3 * n + 1] = origin[1] + j * cellMm[1];
        nodes[3 * n + 2] = origin[2] + k * cellMm[2];
      }
    }
  }
  const perms = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  const tets: number[] = [];
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        for (const perm of perms) {
          const corner = [0, 0, 0];
          const path = [nodeId(i, j, k)];
          for (const axis of perm) {
            corner[axis] = 1;
            path.push(nodeId(i + corner[0], j + corner[1], k + corner[2]));
          }
          tets.push(...path);
        }
      }
    }
  }
  const mesh = { nodes, tets: Uint32Array.from(tets) };
  for (let e = 0; e < tets.length / 4; e++) {
    if (tetVolume(mesh, e) < 0) {
      const t = mesh.tets[4 * e + 2];
      mesh.tets[4 * e + 2] = mesh.tets[4 * e + 3];
      mesh.tets[4 * e + 3] = t;
    }
  }
  return mesh;
}

/** A row-major 4x4 affine with diagonal spacing and an origin. */
export function diagonalAffine(
  spacing: [number, number, number],
  origin: [number, number, number],
): Float64Array {
  return Float64Array.from([
    spacing[0],
    0,
    0,
    origin[0],
    0,
    spacing[1],
    0,
    origin[1],
    0,
    0,
    spacing[2],
    origin[2],
    0,
    0,
    0,
    1,
  ]);
}

/** An image on `dims` voxels with the given affine, filled by a per-voxel callback. */
export function syntheticImage(
  dims: [number, number, number],
  voxelToWorld: Float64Array,
  fill: (i: number, j: number, k: number) => { region: number; density: number; invalid?: boolean },
): VertebraImage {
  const n = dims[0] * dims[1] * dims[2];
  const densityMgCm3 = new Float32Array(n);
  const regions = new Uint8Array(n);
  const invalid = new Uint8Array(n);
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      for (let i = 0; i < dims[0]; i++) {
        const v = i + dims[0] * (j + dims[1] * k);
        const value = fill(i, j, k);
        densityMgCm3[v] = value.density;
        regions[v] = value.region;
        invalid[v] = value.invalid ? 1 : 0;
      }
    }
  }
  const m = voxelToWorld;
  const spacingMm: [number, number, number] = [0, 1, 2].map((c) =>
    Math.hypot(m[c], m[4 + c], m[8 + c]),
  ) as [number, number, number];
  return { dims, voxelToWorld, spacingMm, densityMgCm3, regions, invalid, calibrated: true };
}
