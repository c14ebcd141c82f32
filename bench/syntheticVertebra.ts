/**
 * A structured synthetic vertebra for the size series: an elliptic cylinder of bone (a soft
 * trabecular core inside a stiff cortical shell) between two bone-cement caps, meshed as a
 * hexahedral grid whose cubes are each split into six Kuhn tetrahedra. Every cube is split the
 * same way (along its main diagonal), so the mesh conforms, and the number of unknowns is set
 * by the grid spacing alone: about 3 * volume / h^3.
 *
 * Geometry (mm): lateral semi-axis 20, anterior-posterior semi-axis 15, bone height 25, caps
 * 3 thick on both ends (total 31), the axis along +z. These are of the order of a lumbar
 * vertebral body (Zhou et al., Eur Spine J 2000: L2..L4 endplates roughly 40 x 30 mm, body height
 * about 25 mm).
 *
 * Materials (MPa): the cement caps 2500 (PMMA, as in the design brief); the shell (outer 1.5 mm)
 * 4800, which the Morgan 2003 law gives for rho_QCT = 600 mg/cm3; the core from about 920 at
 * the rim (150 mg/cm3) down to about 460 at the centre (about 80 mg/cm3), so the system has a
 * realistic contrast. Poisson's ratio 0.3 everywhere. The densities are nominal labels for
 * reports; the moduli are set directly.
 */
import { ElementRegion, type TetMesh, type VertebraModel } from '../meshing/tetMesh.js';

/** Shape of the synthetic vertebra, all in mm. */
export interface SyntheticVertebraShape {
  /** Lateral (x) semi-axis of the elliptic cross-section, mm. */
  readonly semiAxisXMm: number;
  /** Anterior-posterior (y) semi-axis, mm. */
  readonly semiAxisYMm: number;
  /** Height of the bone between the caps, mm. */
  readonly boneHeightMm: number;
  /** Thickness of each cement cap, mm. */
  readonly capThicknessMm: number;
  /** Thickness of the stiff cortical shell, mm. */
  readonly shellThicknessMm: number;
}

/** The default shape: a lumbar-sized body. */
export const defaultShape: SyntheticVertebraShape = {
  semiAxisXMm: 20,
  semiAxisYMm: 15,
  boneHeightMm: 25,
  capThicknessMm: 3,
  shellThicknessMm: 1.5,
};

/** Young's modulus of the cement caps in MPa (PMMA). */
export const capModulusMpa = 2500;
/** Young's modulus of the cortical shell in MPa. */
export const shellModulusMpa = 4800;
/** Young's modulus of the trabecular core at its rim and at its centre, MPa. */
export const coreModulusRangeMpa: readonly [number, number] = [920, 460];

/** Volume of the shape in mm3 (elliptic cylinder, caps included). */
export function shapeVolumeMm3(shape: SyntheticVertebraShape = defaultShape): number {
  const height = shape.boneHeightMm + 2 * shape.capThicknessMm;
  return Math.PI * shape.semiAxisXMm * shape.semiAxisYMm * height;
}

/** Grid spacing (mm) that gives about `unknowns` degrees of freedom on the shape. */
export function spacingForUnknowns(
  unknowns: number,
  shape: SyntheticVertebraShape = defaultShape,
): number {
  return Math.cbrt((3 * shapeVolumeMm3(shape)) / unknowns);
}

/**
 * The six Kuhn tetrahedra of a cube, by corner bits (x = 1, y = 2, z = 4), each ordered so that
 * its signed volume is positive (a path 0 -> 7 along x, y, z in some order; odd orders swapped).
 */
const kuhnTets: readonly (readonly [number, number, number, number])[] = [
  [0, 1, 3, 7],
  [0, 5, 1, 7],
  [0, 3, 2, 7],
  [0, 2, 6, 7],
  [0, 4, 5, 7],
  [0, 6, 4, 7],
];

/**
 * Builds the synthetic vertebra with grid spacing `spacingMm`: a cube of the grid belongs to the
 * model when its centre lies inside the ellipse. Fixed nodes are the bottom face (z = 0), loaded
 * nodes the top face; the axis is +z.
 */
export function buildSyntheticVertebra(
  spacingMm: number,
  shape: SyntheticVertebraShape = defaultShape,
): VertebraModel {
  if (!(spacingMm > 0)) throw new Error(`grid spacing must be positive, got ${spacingMm}`);
  const { semiAxisXMm: ax, semiAxisYMm: ay } = shape;
  const heightMm = shape.boneHeightMm + 2 * shape.capThicknessMm;
  const cellsX = 2 * Math.ceil(ax / spacingMm);
  const cellsY = 2 * Math.ceil(ay / spacingMm);
  const cellsZ = Math.max(3, Math.round(heightMm / spacingMm));
  const hz = heightMm / cellsZ;
  const x0 = -(cellsX / 2) * spacingMm;
  const y0 = -(cellsY / 2) * spacingMm;

  // Which cells of one layer lie inside the ellipse (the same for every layer).
  const inside = new Uint8Array(cellsX * cellsY);
  for (let j = 0; j < cellsY; j++) {
    for (let i = 0; i < cellsX; i++) {
      const cx = (x0 + (i + 0.5) * spacingMm) / ax;
      const cy = (y0 + (j + 0.5) * spacingMm) / ay;
      if (cx * cx + cy * cy <= 1) inside[i + cellsX * j] = 1;
    }
  }

  // Number the lattice points used by inside cells.
  const px = cellsX + 1;
  const py = cellsY + 1;
  const used = new Uint8Array(px * py);
  for (let j = 0; j < cellsY; j++) {
    for (let i = 0; i < cellsX; i++) {
      if (!inside[i + cellsX * j]) continue;
      for (const [di, dj] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ])
        used[i + di + px * (j + dj)] = 1;
    }
  }
  const layerIndex = new Int32Array(px * py).fill(-1);
  let perLayer = 0;
  for (let p = 0; p < px * py; p++) if (used[p]) layerIndex[p] = perLayer++;
  const nodeCount = perLayer * (cellsZ + 1);
  const nodes = new Float64Array(3 * nodeCount);
  for (let k = 0; k <= cellsZ; k++) {
    for (let j = 0; j < py; j++) {
      for (let i = 0; i < px; i++) {
        const p = layerIndex[i + px * j];
        if (p < 0) continue;
        const n = 3 * (p + perLayer * k);
        nodes[n] = x0 + i * spacingMm;
        nodes[n + 1] = y0 + j * spacingMm;
        nodes[n + 2] = k * hz;
      }
    }
  }

  // Six tetrahedra per inside cell, oriented positively.
  let cellsInside = 0;
  for (const v of inside) cellsInside += v;
  const elementCount = 6 * cellsInside * cellsZ;
  const tets = new Uint32Array(4 * elementCount);
  const corner = new Uint32Array(8);
  let t = 0;
  for (let k = 0; k < cellsZ; k++) {
    for (let j = 0; j < cellsY; j++) {
      for (let i = 0; i < cellsX; i++) {
        if (!inside[i + cellsX * j]) continue;
        for (let c = 0; c < 8; c++) {
          const p = layerIndex[i + (c & 1) + px * (j + ((c >> 1) & 1))];
          corner[c] = p + perLayer * (k + ((c >> 2) & 1));
        }
        for (const tet of kuhnTets) {
          for (let a = 0; a < 4; a++) tets[4 * t + a] = corner[tet[a]];
          t++;
        }
      }
    }
  }

  const mesh: TetMesh = { nodes, tets };
  return assignMaterials(mesh, shape, heightMm);
}

/** Region and modulus per element from its centroid; fixed and loaded faces from z. */
function assignMaterials(
  mesh: TetMesh,
  shape: SyntheticVertebraShape,
  heightMm: number,
): VertebraModel {
  const { nodes, tets } = mesh;
  const elementCount = tets.length / 4;
  const region = new Uint8Array(elementCount);
  const youngsModulusMpa = new Float64Array(elementCount);
  const densityMgCm3 = new Float64Array(elementCount);
  const poissonRatio = new Float64Array(elementCount).fill(0.3);
  const shellStart = 1 - shape.shellThicknessMm / Math.min(shape.semiAxisXMm, shape.semiAxisYMm);
  const [rimModulus, centreModulus] = coreModulusRangeMpa;

  for (let t = 0; t < elementCount; t++) {
    let x = 0;
    let y = 0;
    let z = 0;
    for (let a = 0; a < 4; a++) {
      const n = 3 * tets[4 * t + a];
      x += nodes[n] / 4;
      y += nodes[n + 1] / 4;
      z += nodes[n + 2] / 4;
    }
    const radius = Math.hypot(x / shape.semiAxisXMm, y / shape.semiAxisYMm);

    if (z < shape.capThicknessMm) {
      region[t] = ElementRegion.CapInferior;
      youngsModulusMpa[t] = capModulusMpa;
      densityMgCm3[t] = NaN;
    } else if (z > heightMm - shape.capThicknessMm) {
      region[t] = ElementRegion.CapSuperior;
      youngsModulusMpa[t] = capModulusMpa;
      densityMgCm3[t] = NaN;
    } else if (radius >= shellStart) {
      region[t] = ElementRegion.Body;
      youngsModulusMpa[t] = shellModulusMpa;
      densityMgCm3[t] = 600;
    } else {
      region[t] = ElementRegion.Body;
      const s2 = (radius / shellStart) ** 2;
      youngsModulusMpa[t] = centreModulus + (rimModulus - centreModulus) * s2;
      densityMgCm3[t] = 80 + 70 * s2;
    }
  }

  const fixed: number[] = [];
  const loaded: number[] = [];
  const tolerance = 1e-9 * heightMm;
  for (let n = 0; n < nodes.length / 3; n++) {
    const z = nodes[3 * n + 2];
    if (Math.abs(z) <= tolerance) fixed.push(n);
    else if (Math.abs(z - heightMm) <= tolerance) loaded.push(n);
  }

  return {
    mesh,
    region,
    youngsModulusMpa,
    poissonRatio,
    densityMgCm3,
    axis: [0, 0, 1],
    fixedNodes: Uint32Array.from(fixed),
    loadedNodes: Uint32Array.from(loaded),
    heightMm,
  };
}
