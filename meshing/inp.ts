/**
 * Abaqus/CalculiX input deck of a vertebra model: nodes, C3D4 elements, linear elastic
 * materials, the axial compression load case, a static step and nodal output.
 *
 * Load case, component form: the fixed nodes (bottom face of the inferior cap) are held in all
 * three directions; every loaded node (top face of the superior cap) gets the prescribed
 * displacement -displacementMm * axis as three global components. The top face therefore moves
 * rigidly along the axis with no lateral freedom, whether or not the axis is aligned with a
 * world axis, and no *TRANSFORM or *EQUATION is needed. The axial force is -RF . axis summed
 * over the loaded nodes (printed as totals in the .dat file).
 *
 * Materials: one per element (exact), or binned to at most `maxMaterials` materials (CalculiX
 * decks stay small): elements of equal Poisson's ratio are grouped into log-spaced modulus bins
 * and each bin takes the volume-weighted mean modulus of its elements. The volume-weighted
 * relative L2 difference between binned and exact element moduli is returned.
 * Units: mm, N, MPa.
 */
import { writeFileSync } from 'node:fs';
import type { TetMesh, VertebraModel } from './tetMesh.js';

/** How to write the deck. */
export interface InpOptions {
  /** Axial displacement of the loaded face towards the fixed face, in mm (> 0 compresses). */
  readonly displacementMm: number;
  /** 'per-element': one material per element; 'binned' (default): at most maxMaterials. */
  readonly materials?: 'per-element' | 'binned';
  /** Most materials in binned mode (default 256). */
  readonly maxMaterials?: number;
  /** A title line for *HEADING. */
  readonly heading?: string;
}

/** What was written. */
export interface InpSummary {
  /** Number of *MATERIAL blocks. */
  readonly materialCount: number;
  /** Modulus written for each element, MPa. */
  readonly writtenModulusMpa: Float64Array;
  /**
   * sqrt(sum V (E_written - E)^2 / sum V E^2) over elements (0 for per-element materials).
   */
  readonly modulusRelativeL2: number;
}

/** Element volumes in mm3 (positive for positively oriented tetrahedra). */
export function tetVolumesMm3(mesh: TetMesh): Float64Array {
  const { nodes, tets } = mesh;
  const volumes = new Float64Array(tets.length / 4);
  for (let e = 0; e < volumes.length; e++) {
    const p0 = 3 * tets[4 * e];
    const d = [1, 2, 3].map((c) => {
      const p = 3 * tets[4 * e + c];
      return [nodes[p] - nodes[p0], nodes[p + 1] - nodes[p0 + 1], nodes[p + 2] - nodes[p0 + 2]];
    });
    const [a, b, c] = d;
    volumes[e] =
      (a[0] * (b[1] * c[2] - b[2] * c[1]) -
        a[1] * (b[0] * c[2] - b[2] * c[0]) +
        a[2] * (b[0] * c[1] - b[1] * c[0])) /
      6;
  }
  return volumes;
}

/** Material index per element and each material's (E, nu). */
interface MaterialTable {
  readonly materialOf: Int32Array;
  readonly modulusMpa: number[];
  readonly poissonRatio: number[];
}

function perElementMaterials(model: VertebraModel): MaterialTable {
  const count = model.youngsModulusMpa.length;
  return {
    materialOf: Int32Array.from({ length: count }, (_, e) => e),
    modulusMpa: Array.from(model.youngsModulusMpa),
    poissonRatio: Array.from(model.poissonRatio),
  };
}

function binnedMaterials(model: VertebraModel, maxMaterials: number): MaterialTable {
  const modulus = model.youngsModulusMpa;
  const volumes = tetVolumesMm3(model.mesh);
  const ratios = [...new Set(model.poissonRatio)];
  const binsPerRatio = Math.floor(maxMaterials / ratios.length);
  if (binsPerRatio < 1) {
    throw new Error(`inp: ${ratios.length} Poisson's ratios exceed ${maxMaterials} materials`);
  }

  const materialOf = new Int32Array(modulus.length);
  const table: MaterialTable = { materialOf, modulusMpa: [], poissonRatio: [] };
  for (const nu of ratios) {
    const members: number[] = [];
    for (let e = 0; e < modulus.length; e++) if (model.poissonRatio[e] === nu) members.push(e);
    const logs = members.map((e) => Math.log(modulus[e]));
    let lo = Infinity;
    let hi = -Infinity;
    for (const value of logs) {
      lo = Math.min(lo, value);
      hi = Math.max(hi, value);
    }
    const width = (hi - lo) / binsPerRatio;

    const sumVE = new Float64Array(binsPerRatio);
    const sumV = new Float64Array(binsPerRatio);
    const binOf = members.map((e, m) => {
      const bin = width > 0 ? Math.min(binsPerRatio - 1, Math.floor((logs[m] - lo) / width)) : 0;
      sumVE[bin] += volumes[e] * modulus[e];
      sumV[bin] += volumes[e];
      return bin;
    });

    const materialOfBin = new Int32Array(binsPerRatio).fill(-1);
    for (let bin = 0; bin < binsPerRatio; bin++) {
      if (!(sumV[bin] > 0)) continue;
      materialOfBin[bin] = table.modulusMpa.length;
      table.modulusMpa.push(sumVE[bin] / sumV[bin]);
      table.poissonRatio.push(nu);
    }
    members.forEach((e, m) => (materialOf[e] = materialOfBin[binOf[m]]));
  }
  return table;
}

/** Formats a list of ids as data lines of at most 16 entries. */
function idLines(ids: ArrayLike<number>, offset = 1): string[] {
  const lines: string[] = [];
  for (let start = 0; start < ids.length; start += 16) {
    const chunk: number[] = [];
    for (let i = start; i < Math.min(ids.length, start + 16); i++) chunk.push(ids[i] + offset);
    lines.push(chunk.join(', '));
  }
  return lines;
}

/**
 * Writes the CalculiX/Abaqus deck of `model` to `path` (nodes and elements numbered from 1) and
 * returns what materials were written.
 */
export function writeInp(path: string, model: VertebraModel, options: InpOptions): InpSummary {
  const { mesh, axis } = model;
  const nodeCount = mesh.nodes.length / 3;
  const tetCount = mesh.tets.length / 4;
  if (!(options.displacementMm > 0)) {
    throw new Error(`inp: displacementMm must be > 0, got ${options.displacementMm}`);
  }
  const table =
    options.materials === 'per-element'
      ? perElementMaterials(model)
      : binnedMaterials(model, options.maxMaterials ?? 256);

  const lines: string[] = [
    '** METASTRA-VPH vertebra model. Units: mm, N, MPa.',
    `** Axis (cranial, world RAS mm): ${axis.map((c) => c.toFixed(6)).join(', ')}`,
    `** Height between the cap faces: ${model.heightMm.toFixed(3)} mm`,
    '*HEADING',
    options.heading ?? 'METASTRA-VPH axial compression',
    '*NODE, NSET=NALL',
  ];
  for (let n = 0; n < nodeCount; n++) {
    const x = mesh.nodes.subarray(3 * n, 3 * n + 3);
    lines.push(`${n + 1}, ${x[0]}, ${x[1]}, ${x[2]}`);
  }
  lines.push('*ELEMENT, TYPE=C3D4, ELSET=EALL');
  for (let e = 0; e < tetCount; e++) {
    const t = mesh.tets.subarray(4 * e, 4 * e + 4);
    lines.push(`${e + 1}, ${t[0] + 1}, ${t[1] + 1}, ${t[2] + 1}, ${t[3] + 1}`);
  }

  const elementsOf: number[][] = table.modulusMpa.map(() => []);
  table.materialOf.forEach((m, e) => elementsOf[m].push(e));
  for (let m = 0; m < table.modulusMpa.length; m++) {
    lines.push(`*ELSET, ELSET=SM${m + 1}`, ...idLines(elementsOf[m]));
    lines.push(`*MATERIAL, NAME=M${m + 1}`, '*ELASTIC');
    lines.push(`${table.modulusMpa[m]}, ${table.poissonRatio[m]}`);
    lines.push(`*SOLID SECTION, ELSET=SM${m + 1}, MATERIAL=M${m + 1}`);
  }

  lines.push('*NSET, NSET=FIXED', ...idLines(model.fixedNodes));
  lines.push('*NSET, NSET=LOADED', ...idLines(model.loadedNodes));
  lines.push('*BOUNDARY', 'FIXED, 1, 3');
  lines.push('*STEP', '*STATIC', '*BOUNDARY');
  for (let d = 0; d < 3; d++) {
    lines.push(`LOADED, ${d + 1}, ${d + 1}, ${-options.displacementMm * axis[d]}`);
  }
  lines.push('*NODE PRINT, NSET=LOADED, TOTALS=ONLY', 'RF');
  lines.push('*NODE PRINT, NSET=FIXED, TOTALS=ONLY', 'RF');
  lines.push('*NODE FILE', 'U, RF', '*END STEP', '');
  writeFileSync(path, lines.join('\n'));

  const written = Float64Array.from(table.materialOf, (m) => table.modulusMpa[m]);
  const volumes = tetVolumesMm3(mesh);
  let squaredDifference = 0;
  let squaredModulus = 0;
  for (let e = 0; e < tetCount; e++) {
    squaredDifference += volumes[e] * (written[e] - model.youngsModulusMpa[e]) ** 2;
    squaredModulus += volumes[e] * model.youngsModulusMpa[e] ** 2;
  }
  return {
    materialCount: table.modulusMpa.length,
    writtenModulusMpa: written,
    modulusRelativeL2: Math.sqrt(squaredDifference / squaredModulus),
  };
}
