/**
 * Mesh quality of linear tetrahedra: dihedral angles, radius ratio, inverted elements, volume,
 * the boundary triangles and how far the boundary lies from the domain's surface.
 *
 * Dihedral angle at an edge: the angle between the two faces meeting there, measured inside the
 * element (70.53 degrees for every edge of a regular tetrahedron). Radius ratio: 3 * inradius /
 * circumradius, 1 for a regular tetrahedron and 0 for a flat one.
 */

import type { TetMesh } from './tetMesh.js';
import type { ImplicitDomain } from './implicitDomain.js';
import { tetFaceNeighbours, TET_FACES } from './components.js';

/** Width of one bin of {@link MeshQuality.dihedralHistogram}, degrees. */
export const DIHEDRAL_BIN_DEGREES = 10;

/** Quality figures of a tetrahedral mesh. */
export interface MeshQuality {
  /** Number of nodes. */
  readonly nodeCount: number;
  /** Number of tetrahedra. */
  readonly elementCount: number;
  /** Smallest dihedral angle over all elements, degrees. */
  readonly minDihedralDeg: number;
  /** Largest dihedral angle over all elements, degrees. */
  readonly maxDihedralDeg: number;
  /** Count of dihedral angles (6 per element) in 18 bins of 10 degrees: [0, 10), [10, 20), ... */
  readonly dihedralHistogram: Uint32Array;
  /** Smallest radius ratio 3 r / R (1 for a regular tetrahedron). */
  readonly minRadiusRatio: number;
  /** Mean radius ratio. */
  readonly meanRadiusRatio: number;
  /** Elements with signed volume <= 0 (must be 0 for a valid mesh). */
  readonly invertedCount: number;
  /** Sum of the elements' signed volumes, mm3. */
  readonly volumeMm3: number;
}

/** Dihedral angles, radius ratios, inverted count and volume of `mesh` in one pass. */
export function meshQuality(mesh: TetMesh): MeshQuality {
  const { nodes, tets } = mesh;
  const elementCount = tets.length / 4;
  const histogram = new Uint32Array(180 / DIHEDRAL_BIN_DEGREES);
  const p = new Float64Array(12);
  const normals = new Float64Array(12);
  const angles = new Float64Array(6);
  let minDihedral = Infinity;
  let maxDihedral = -Infinity;
  let minRatio = Infinity;
  let sumRatio = 0;
  let inverted = 0;
  let volume = 0;

  for (let e = 0; e < elementCount; e++) {
    for (let k = 0; k < 4; k++) {
      const n = 3 * tets[4 * e + k];
      p[3 * k] = nodes[n];
      p[3 * k + 1] = nodes[n + 1];
      p[3 * k + 2] = nodes[n + 2];
    }
    const volume6 = dihedralAnglesDeg(p, angles, normals);
    volume += volume6 / 6;
    if (!(volume6 > 0)) {
      inverted++;
      continue;
    }

    let areaSum = 0;
    for (let f = 0; f < 4; f++) areaSum += 0.5 * norm(normals, f);
    for (const angle of angles) {
      minDihedral = Math.min(minDihedral, angle);
      maxDihedral = Math.max(maxDihedral, angle);
      histogram[Math.min(histogram.length - 1, Math.floor(angle / DIHEDRAL_BIN_DEGREES))]++;
    }
    const inradius = (3 * (volume6 / 6)) / areaSum;
    const ratio = (3 * inradius) / circumradius(p, volume6);
    minRatio = Math.min(minRatio, ratio);
    sumRatio += ratio;
  }

  const valid = elementCount - inverted;
  return {
    nodeCount: nodes.length / 3,
    elementCount,
    minDihedralDeg: minDihedral,
    maxDihedralDeg: maxDihedral,
    dihedralHistogram: histogram,
    minRadiusRatio: minRatio,
    meanRadiusRatio: valid > 0 ? sumRatio / valid : NaN,
    invertedCount: inverted,
    volumeMm3: volume,
  };
}

/**
 * The six dihedral angles (degrees) of the tetrahedron with corners `p` (xyz of 4 points, mm)
 * written into `out`; returns 6 * signed volume (mm3). For a non-positive volume the angles are
 * those of the mirrored element. `normals` is scratch space of 12 numbers.
 */
export function dihedralAnglesDeg(
  p: Float64Array,
  out: Float64Array,
  normals: Float64Array = new Float64Array(12),
): number {
  const volume6 = faceNormals(p, normals);
  let n = 0;
  for (let f = 0; f < 4; f++) {
    for (let g = f + 1; g < 4; g++) {
      const dot =
        normals[3 * f] * normals[3 * g] +
        normals[3 * f + 1] * normals[3 * g + 1] +
        normals[3 * f + 2] * normals[3 * g + 2];
      const cosine = -dot / (norm(normals, f) * norm(normals, g));
      out[n++] = (Math.acos(Math.max(-1, Math.min(1, cosine))) * 180) / Math.PI;
    }
  }
  return volume6;
}

/**
 * Writes the outward area-weighted normals (length = 2 * face area) of the faces opposite
 * vertices 0..3 of the tetrahedron `p` (xyz of 4 points) and returns 6 * signed volume.
 */
function faceNormals(p: Float64Array, out: Float64Array): number {
  for (let f = 0; f < 4; f++) {
    const [a, b, c] = TET_FACES[f];
    const ux = p[3 * b] - p[3 * a];
    const uy = p[3 * b + 1] - p[3 * a + 1];
    const uz = p[3 * b + 2] - p[3 * a + 2];
    const vx = p[3 * c] - p[3 * a];
    const vy = p[3 * c + 1] - p[3 * a + 1];
    const vz = p[3 * c + 2] - p[3 * a + 2];
    out[3 * f] = uy * vz - uz * vy;
    out[3 * f + 1] = uz * vx - ux * vz;
    out[3 * f + 2] = ux * vy - uy * vx;
  }
  // Face 0 (1, 2, 3) is outward for a positive element: volume6 = -n0 . (p0 - p1).
  return out[0] * (p[3] - p[0]) + out[1] * (p[4] - p[1]) + out[2] * (p[5] - p[2]);
}

function norm(v: Float64Array, i: number): number {
  return Math.hypot(v[3 * i], v[3 * i + 1], v[3 * i + 2]);
}

/** Circumradius of tetrahedron `p` with 6 * volume `volume6`: |a2 (b x c) + ...| / (2 * 6V). */
function circumradius(p: Float64Array, volume6: number): number {
  const a = [p[3] - p[0], p[4] - p[1], p[5] - p[2]];
  const b = [p[6] - p[0], p[7] - p[1], p[8] - p[2]];
  const c = [p[9] - p[0], p[10] - p[1], p[11] - p[2]];
  const a2 = a[0] ** 2 + a[1] ** 2 + a[2] ** 2;
  const b2 = b[0] ** 2 + b[1] ** 2 + b[2] ** 2;
  const c2 = c[0] ** 2 + c[1] ** 2 + c[2] ** 2;
  const bc = cross(b, c);
  const ca = cross(c, a);
  const ab = cross(a, b);
  const x = a2 * bc[0] + b2 * ca[0] + c2 * ab[0];
  const y = a2 * bc[1] + b2 * ca[1] + c2 * ab[1];
  const z = a2 * bc[2] + b2 * ca[2] + c2 * ab[2];
  return Math.hypot(x, y, z) / (2 * volume6);
}

function cross(u: number[], v: number[]): number[] {
  return [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
}

/**
 * The boundary triangles of `mesh` (faces used by one element only), node ids, 3 per triangle,
 * ordered so that the normal (b - a) x (c - a) points out of the mesh.
 */
export function boundaryTriangles(mesh: TetMesh): Uint32Array {
  const neighbours = tetFaceNeighbours(mesh);
  let count = 0;
  for (let i = 0; i < neighbours.length; i++) if (neighbours[i] < 0) count++;
  const out = new Uint32Array(3 * count);
  let n = 0;
  for (let i = 0; i < neighbours.length; i++) {
    if (neighbours[i] >= 0) continue;
    const base = 4 * Math.floor(i / 4);
    const [a, b, c] = TET_FACES[i % 4];
    out[n++] = mesh.tets[base + a];
    out[n++] = mesh.tets[base + b];
    out[n++] = mesh.tets[base + c];
  }
  return out;
}

/**
 * Largest distance in mm from a boundary node of `mesh` to the zero level set of `domain`,
 * estimated to first order as |value| / |gradient| (central differences of step 0.01 mm).
 * For a mask domain this measures the mesh against the smoothed mask surface.
 */
export function surfaceDeviationMm(mesh: TetMesh, domain: ImplicitDomain): number {
  const triangles = boundaryTriangles(mesh);
  const seen = new Uint8Array(mesh.nodes.length / 3);
  const step = 0.01;
  let worst = 0;
  for (const node of triangles) {
    if (seen[node]) continue;
    seen[node] = 1;
    const x = mesh.nodes[3 * node];
    const y = mesh.nodes[3 * node + 1];
    const z = mesh.nodes[3 * node + 2];
    const value = domain.value(x, y, z);
    if (value === 0) continue;
    const gx = domain.value(x + step, y, z) - domain.value(x - step, y, z);
    const gy = domain.value(x, y + step, z) - domain.value(x, y - step, z);
    const gz = domain.value(x, y, z + step) - domain.value(x, y, z - step);
    const gradient = Math.hypot(gx, gy, gz) / (2 * step);
    worst = Math.max(worst, gradient > 0 ? Math.abs(value) / gradient : Infinity);
  }
  return worst;
}
