/**
 * The verification cases of the FE core (test/solver/fem.test.ts, calculix.test.ts), built
 * again as plain systems K u = f so that every PCG backend can solve the same ones. Each case
 * names the nodes whose internal forces make its reaction force and, where there is one, the
 * closed-form answer it must reproduce.
 */
import type { TetMesh } from '../../meshing/tetMesh.js';
import type { BlockSparseMatrix } from '../../solver/blockSparse.js';
import { assembleStiffness, type ElementMaterials } from '../../solver/fem/assembly.js';
import {
  compressionConditions,
  eliminateDirichlet,
  type DirichletConditions,
} from '../../solver/fem/boundaryConditions.js';
import { buildMeshSparsity } from '../../solver/fem/sparsity.js';
import { boxMesh, centroid, nodesWhere, seededRandom } from './boxMesh.js';

/** A constrained elasticity problem ready for a backend. */
export interface VerificationCase {
  readonly name: string;
  readonly mesh: TetMesh;
  readonly materials: ElementMaterials;
  readonly matrix: BlockSparseMatrix;
  readonly rhs: Float64Array;
  /** Nodes whose internal forces, projected on `axis`, make the reaction force (N). */
  readonly reactionNodes: Uint32Array;
  readonly axis: readonly [number, number, number];
  /** Prescribed displacement of the reaction nodes along -axis (mm), for the stiffness. */
  readonly deltaMm: number;
  /** Closed-form stiffness |F| / delta in N/mm, where the case has one. */
  readonly expectedStiffnessNPerMm?: number;
  /** Closed-form displacement (mm) of dof 3 n + c, where the case has one. */
  readonly exactDisplacementMm?: (node: number, component: number) => number;
}

function uniform(count: number, value: number): Float64Array {
  return new Float64Array(count).fill(value);
}

function conditions(pairs: Array<[number, number]>): DirichletConditions {
  return {
    dofs: Uint32Array.from(pairs.map((p) => p[0])),
    valuesMm: Float64Array.from(pairs.map((p) => p[1])),
  };
}

type CaseParts = Omit<VerificationCase, 'matrix' | 'rhs'>;

function assemble(parts: CaseParts, bc: DirichletConditions): VerificationCase {
  const matrix = assembleStiffness(parts.mesh, buildMeshSparsity(parts.mesh), parts.materials);
  const rhs = eliminateDirichlet(matrix, bc);
  return { ...parts, matrix, rhs };
}

/** Uniform strain H x + c prescribed on the boundary of a jittered 4 x 3 x 3 mm box. */
function patchTest(): VerificationCase {
  const mesh = boxMesh([4, 3, 3], [4, 3, 3], 0.22, 3);
  const tetCount = mesh.tets.length / 4;
  const H = [
    [1e-3, 2e-4, -3e-4],
    [5e-4, -2e-3, 1e-4],
    [-1e-4, 3e-4, 1.5e-3],
  ];
  const exact = (n: number, c: number) =>
    H[c][0] * mesh.nodes[3 * n] +
    H[c][1] * mesh.nodes[3 * n + 1] +
    H[c][2] * mesh.nodes[3 * n + 2] +
    0.01 * c;

  const pairs: Array<[number, number]> = [];
  const [nx, ny, nz] = mesh.counts;
  for (let k = 0; k <= nz; k++) {
    for (let j = 0; j <= ny; j++) {
      for (let i = 0; i <= nx; i++) {
        const n = mesh.nodeAt(i, j, k);
        const boundary = i === 0 || j === 0 || k === 0 || i === nx || j === ny || k === nz;
        if (boundary) for (let c = 0; c < 3; c++) pairs.push([3 * n + c, exact(n, c)]);
      }
    }
  }
  const materials = {
    youngsModulusMpa: uniform(tetCount, 640),
    poissonRatio: uniform(tetCount, 0.3),
  };
  const parts: CaseParts = {
    name: 'patch test',
    mesh,
    materials,
    reactionNodes: nodesWhere(mesh, 0, 4),
    axis: [1, 0, 0],
    deltaMm: 1,
    exactDisplacementMm: exact,
  };
  return assemble(parts, conditions(pairs));
}

const [length, width, depth] = [6, 3, 2];
const delta = 0.012;

/** Bottom z = 0 held axially, top moved by -delta, lateral rigid motions removed. */
function slidingFaces(mesh: ReturnType<typeof boxMesh>, ny: number): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (const n of nodesWhere(mesh, 2, 0)) pairs.push([3 * n + 2, 0]);
  for (const n of nodesWhere(mesh, 2, length)) pairs.push([3 * n + 2, -delta]);
  const origin = mesh.nodeAt(0, 0, 0);
  pairs.push([3 * origin, 0], [3 * origin + 1, 0], [3 * mesh.nodeAt(0, ny, 0), 0]);
  return pairs;
}

/** Homogeneous jittered prism in uniaxial stress: k = E A / L. */
function prism(): VerificationCase {
  const mesh = boxMesh([3, 3, 6], [width, depth, length], 0.2, 11);
  const tetCount = mesh.tets.length / 4;
  const parts: CaseParts = {
    name: 'prism in uniaxial stress',
    mesh,
    materials: { youngsModulusMpa: uniform(tetCount, 800), poissonRatio: uniform(tetCount, 0.3) },
    reactionNodes: nodesWhere(mesh, 2, length),
    axis: [0, 0, 1],
    deltaMm: delta,
    expectedStiffnessNPerMm: (800 * width * depth) / length,
  };
  return assemble(parts, conditions(slidingFaces(mesh, 3)));
}

/** Two layers (200 and 1500 MPa) in uniaxial strain: k = A / sum(L_i / M_i). */
function seriesLayers(): VerificationCase {
  const mesh = boxMesh([2, 2, 6], [width, depth, length]);
  const tetCount = mesh.tets.length / 4;
  const lower = 2;
  const modulus = Float64Array.from({ length: tetCount }, (_, e) =>
    centroid(mesh, e, 2) < lower ? 200 : 1500,
  );
  const pairs: Array<[number, number]> = [];
  for (let n = 0; n < mesh.nodes.length / 3; n++) pairs.push([3 * n, 0], [3 * n + 1, 0]);
  for (const n of nodesWhere(mesh, 2, 0)) pairs.push([3 * n + 2, 0]);
  for (const n of nodesWhere(mesh, 2, length)) pairs.push([3 * n + 2, -delta]);
  const constrained = (e: number) => (e * 0.7) / (1.3 * 0.4);
  const parts: CaseParts = {
    name: 'series layers',
    mesh,
    materials: { youngsModulusMpa: modulus, poissonRatio: uniform(tetCount, 0.3) },
    reactionNodes: nodesWhere(mesh, 2, length),
    axis: [0, 0, 1],
    deltaMm: delta,
    expectedStiffnessNPerMm:
      (width * depth) / (lower / constrained(200) + (length - lower) / constrained(1500)),
  };
  return assemble(parts, conditions(pairs));
}

/** A 100 MPa core in a 2500 MPa shell with nu = 0: k = sum(E_i A_i) / L. */
function coreInShell(): VerificationCase {
  const mesh = boxMesh([4, 4, 3], [4, 4, length], 0, 1);
  const tetCount = mesh.tets.length / 4;
  const inCore = (e: number) => {
    const [x, y] = [centroid(mesh, e, 0), centroid(mesh, e, 1)];
    return x > 1 && x < 3 && y > 1 && y < 3;
  };
  const modulus = Float64Array.from({ length: tetCount }, (_, e) => (inCore(e) ? 100 : 2500));
  const parts: CaseParts = {
    name: 'core in shell',
    mesh,
    materials: { youngsModulusMpa: modulus, poissonRatio: new Float64Array(tetCount) },
    reactionNodes: nodesWhere(mesh, 2, length),
    axis: [0, 0, 1],
    deltaMm: delta,
    expectedStiffnessNPerMm: (100 * 4 + 2500 * 12) / length,
  };
  return assemble(parts, conditions(slidingFaces(mesh, 4)));
}

/** The irregular two-material box compared with CalculiX, pressed along a tilted axis. */
function calculixBox(): VerificationCase {
  const mesh = boxMesh([3, 3, 4], [9, 8, 10], 0.2, 21);
  const tetCount = mesh.tets.length / 4;
  const random = seededRandom(4);
  const modulus = Float64Array.from({ length: tetCount }, () => 50 + 3000 * random());
  const norm = Math.hypot(0.1, -0.2, 1);
  const axis: [number, number, number] = [0.1 / norm, -0.2 / norm, 1 / norm];
  const loaded = nodesWhere(mesh, 2, 10);
  const bc = compressionConditions(nodesWhere(mesh, 2, 0), loaded, axis, 0.02);
  const parts: CaseParts = {
    name: 'irregular box (CalculiX case)',
    mesh,
    materials: { youngsModulusMpa: modulus, poissonRatio: uniform(tetCount, 0.3) },
    reactionNodes: loaded,
    axis,
    deltaMm: 0.02,
  };
  return assemble(parts, bc);
}

/** Every verification case, small enough for the software GPU adapter. */
export function verificationCases(): VerificationCase[] {
  return [patchTest(), prism(), seriesLayers(), coreInShell(), calculixBox()];
}
