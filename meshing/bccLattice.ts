/**
 * The body-centred cubic (BCC) lattice that isosurface stuffing fills a domain with.
 *
 * Vertices are the corners of a grid of cubes of edge `spacingMm` plus the centres of the cubes.
 * Positions are written in doubled integer coordinates: corners have all-even (X, Y, Z), centres
 * all-odd, and the world position is `originMm + (X, Y, Z) * spacingMm / 2`. Long edges join
 * vertices of the same kind along an axis (length = spacing); short edges join a corner to a
 * neighbouring centre (length = spacing * sqrt(3) / 2). Every lattice tetrahedron has two long
 * edges, opposite each other (one centre-centre, one corner-corner), and four short edges; its
 * volume is spacing^3 / 12. Vertex ids: corners first (i fastest), then centres.
 */

import { UserError } from '../core/errors.js';

/** A BCC lattice covering an axis-aligned box. */
export interface BccLattice {
  /** World position of the corner with doubled coordinates (0, 0, 0), mm. */
  readonly originMm: readonly [number, number, number];
  /** Cube edge (long-edge length) in mm. */
  readonly spacingMm: number;
  /** Number of cubes along x, y, z; corners are one more per axis. */
  readonly cubes: readonly [number, number, number];
  /** Number of corner vertices (ids 0 .. cornerCount - 1). */
  readonly cornerCount: number;
  /** Number of vertices, corners and centres. */
  readonly vertexCount: number;
}

/** Mean length of the lattice's distinct edges, as a multiple of the spacing (about 0.9235). */
export const BCC_MEAN_EDGE_PER_SPACING = (6 + 8 * (Math.sqrt(3) / 2)) / 14;

/**
 * Most lattice vertices a mesh may start from (2^23, about 8.4 million). Near this the mesh
 * holds about 5 million tetrahedra (the TotalSegmentator L3 at h = 0.56 mm) and its .vtu and
 * .inp files about 250 MB each; at twice as many the .vtu text exceeds a JS string. Above it the
 * element size is refused with the smallest one that fits.
 */
export const maxLatticeVertices = 2 ** 23;

/** The doubled-coordinate offsets of a vertex's 14 lattice neighbours: 6 long, then 8 short. */
export const BCC_NEIGHBOUR_OFFSETS: readonly (readonly [number, number, number])[] = [
  [2, 0, 0],
  [-2, 0, 0],
  [0, 2, 0],
  [0, -2, 0],
  [0, 0, 2],
  [0, 0, -2],
  [1, 1, 1],
  [1, 1, -1],
  [1, -1, 1],
  [1, -1, -1],
  [-1, 1, 1],
  [-1, 1, -1],
  [-1, -1, 1],
  [-1, -1, -1],
];

/**
 * Origin and cube counts of the lattice of `spacingMm` over a box; see
 * {@link createBccLattice}.
 */
function latticeShape(minMm: readonly number[], maxMm: readonly number[], spacingMm: number) {
  const origin = [0, 1, 2].map((a) => (Math.floor(minMm[a] / spacingMm) - 1) * spacingMm);
  const cubes = [0, 1, 2].map(
    (a) => Math.ceil((maxMm[a] - origin[a]) / spacingMm) + 1,
  ) as unknown as [number, number, number];
  const cornerCount = (cubes[0] + 1) * (cubes[1] + 1) * (cubes[2] + 1);
  const vertexCount = cornerCount + cubes[0] * cubes[1] * cubes[2];
  return { origin, cubes, cornerCount, vertexCount };
}

/**
 * A lattice of cubes of edge `spacingMm` whose corners cover [minMm - spacing, maxMm + spacing],
 * anchored at multiples of the spacing so that the same box always gives the same lattice. A
 * lattice of more than {@link maxLatticeVertices} vertices is a user error naming the smallest
 * element size that fits.
 */
export function createBccLattice(
  minMm: readonly number[],
  maxMm: readonly number[],
  spacingMm: number,
): BccLattice {
  const { origin, cubes, cornerCount, vertexCount } = latticeShape(minMm, maxMm, spacingMm);
  if (!(vertexCount <= maxLatticeVertices)) {
    const sides = [0, 1, 2].map((a) => maxMm[a] - minMm[a]);
    // About 2 (L / s)^3 vertices (corners and centres) fill a box of volume L^3; the padding
    // cubes need a little more, found by stepping up 1 % at a time.
    let fits = Math.cbrt((2 * sides[0] * sides[1] * sides[2]) / maxLatticeVertices);
    while (latticeShape(minMm, maxMm, fits).vertexCount > maxLatticeVertices) fits *= 1.01;
    const smallestMm = Math.ceil(100 * fits * BCC_MEAN_EDGE_PER_SPACING) / 100;
    const count = Number.isFinite(vertexCount) ? vertexCount.toExponential(2) : 'over 1e308';
    throw new UserError(
      `element size ${(spacingMm * BCC_MEAN_EDGE_PER_SPACING).toPrecision(3)} mm: meshing ` +
        `the ${sides.map((side) => side.toFixed(0)).join(' x ')} mm box needs ${count} ` +
        `lattice vertices, above the ${maxLatticeVertices.toExponential(2)} limit; ` +
        `use at least ${smallestMm.toFixed(2)} mm`,
    );
  }
  return {
    originMm: [origin[0], origin[1], origin[2]],
    spacingMm,
    cubes,
    cornerCount,
    vertexCount,
  };
}

/** Id of the vertex at doubled coordinates (X, Y, Z), or -1 outside the lattice. */
export function latticeVertexId(lattice: BccLattice, x: number, y: number, z: number): number {
  const [cx, cy, cz] = lattice.cubes;
  if ((x & 1) === 0) {
    if (x < 0 || y < 0 || z < 0 || x > 2 * cx || y > 2 * cy || z > 2 * cz) return -1;
    return x / 2 + (cx + 1) * (y / 2 + (cy + 1) * (z / 2));
  }
  if (x < 0 || y < 0 || z < 0 || x >= 2 * cx || y >= 2 * cy || z >= 2 * cz) return -1;
  return lattice.cornerCount + (x - 1) / 2 + cx * ((y - 1) / 2 + cy * ((z - 1) / 2));
}

/** Writes the doubled coordinates of vertex `id` into `out` and returns it. */
export function latticeVertexCoords(lattice: BccLattice, id: number, out: Int32Array): Int32Array {
  const [cx, cy] = lattice.cubes;
  if (id < lattice.cornerCount) {
    out[0] = 2 * (id % (cx + 1));
    out[1] = 2 * (Math.floor(id / (cx + 1)) % (cy + 1));
    out[2] = 2 * Math.floor(id / ((cx + 1) * (cy + 1)));
  } else {
    const c = id - lattice.cornerCount;
    out[0] = 2 * (c % cx) + 1;
    out[1] = 2 * (Math.floor(c / cx) % cy) + 1;
    out[2] = 2 * Math.floor(c / (cx * cy)) + 1;
  }
  return out;
}

/**
 * Calls `visit(a, b, c, d)` for every lattice tetrahedron, with vertex ids: (a, b) the
 * centre-centre long edge and (c, d) the corner-corner long edge.
 */
export function forEachLatticeTet(
  lattice: BccLattice,
  visit: (a: number, b: number, c: number, d: number) => void,
): void {
  const [cx, cy, cz] = lattice.cubes;
  const centre = [0, 0, 0];
  const p = [0, 0, 0];
  const q = [0, 0, 0];
  for (let k = 0; k < cz; k++) {
    for (let j = 0; j < cy; j++) {
      for (let i = 0; i < cx; i++) {
        centre[0] = 2 * i + 1;
        centre[1] = 2 * j + 1;
        centre[2] = 2 * k + 1;
        const a = latticeVertexId(lattice, centre[0], centre[1], centre[2]);
        for (let axis = 0; axis < 3; axis++) {
          if (centre[axis] + 2 >= 2 * lattice.cubes[axis]) continue;
          centre[axis] += 2;
          const b = latticeVertexId(lattice, centre[0], centre[1], centre[2]);
          centre[axis] -= 2;
          const u = (axis + 1) % 3;
          const v = (axis + 2) % 3;
          // The square between the two cubes has corners centre + e_axis +- e_u +- e_v.
          for (let edge = 0; edge < 4; edge++) {
            const side = edge & 1 ? 1 : -1;
            for (let t = 0; t < 3; t++) p[t] = q[t] = centre[t];
            p[axis] = q[axis] = centre[axis] + 1;
            // Edges 0, 1 run along u at v = -1, +1; edges 2, 3 run along v at u = -1, +1.
            const along = edge < 2 ? u : v;
            const across = edge < 2 ? v : u;
            p[along] -= 1;
            q[along] += 1;
            p[across] += side;
            q[across] += side;
            visit(
              a,
              b,
              latticeVertexId(lattice, p[0], p[1], p[2]),
              latticeVertexId(lattice, q[0], q[1], q[2]),
            );
          }
        }
      }
    }
  }
}
