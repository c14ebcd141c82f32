import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeInp } from '../../meshing/inp.js';
import { ElementRegion, type VertebraModel } from '../../meshing/tetMesh.js';
import { kuhnBox } from './fixtures.js';

/**
 * A prism of section a x b mm and length L mm along a tilted axis: a Kuhn box along z, rotated by
 * `tiltRad` about x. The modulus of each element is given by its layer along the axis.
 */
function prismModel(
  counts: [number, number, number],
  sizeMm: [number, number, number],
  tiltRad: number,
  layerModulus: (layer: number) => number,
  poissonRatio: number,
): VertebraModel {
  const cell: [number, number, number] = [0, 1, 2].map((d) => sizeMm[d] / counts[d]) as [
    number,
    number,
    number,
  ];
  const box = kuhnBox(counts, cell);
  const nodeCount = box.nodes.length / 3;
  const tetCount = box.tets.length / 4;
  const c = Math.cos(tiltRad);
  const s = Math.sin(tiltRad);
  const nodes = new Float64Array(3 * nodeCount);
  const fixed: number[] = [];
  const loaded: number[] = [];
  for (let n = 0; n < nodeCount; n++) {
    const [x, y, z] = box.nodes.subarray(3 * n, 3 * n + 3);
    nodes.set([x, c * y - s * z, s * y + c * z], 3 * n);
    if (Math.abs(z) < 1e-9) fixed.push(n);
    if (Math.abs(z - sizeMm[2]) < 1e-9) loaded.push(n);
  }
  const modulus = new Float64Array(tetCount);
  for (let e = 0; e < tetCount; e++) {
    let zMean = 0;
    for (let v = 0; v < 4; v++) zMean += box.nodes[3 * box.tets[4 * e + v] + 2] / 4;
    modulus[e] = layerModulus(Math.floor(zMean / cell[2]));
  }
  return {
    mesh: { nodes, tets: box.tets },
    region: new Uint8Array(tetCount).fill(ElementRegion.Body),
    youngsModulusMpa: modulus,
    poissonRatio: new Float64Array(tetCount).fill(poissonRatio),
    densityMgCm3: new Float64Array(tetCount).fill(NaN),
    axis: [0, -s, c],
    fixedNodes: Uint32Array.from(fixed),
    loadedNodes: Uint32Array.from(loaded),
    heightMm: sizeMm[2],
  };
}

/** Runs ccx on `deck` in `dir` and returns the total reaction forces of LOADED and FIXED. */
function runCalculix(dir: string, job: string): { loaded: number[]; fixed: number[] } {
  execFileSync('ccx', ['-i', job], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  const dat = readFileSync(join(dir, `${job}.dat`), 'utf8');
  const totals = [...dat.matchAll(/total force \(fx,fy,fz\) for set (\w+)[^\n]*\n\s*\n([^\n]+)/g)];
  const bySet = Object.fromEntries(
    totals.map((m) => [m[1].toUpperCase(), m[2].trim().split(/\s+/).map(Number)]),
  );
  return { loaded: bySet.LOADED, fixed: bySet.FIXED };
}

describe('writeInp and CalculiX', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vph-inp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const a = 4;
  const b = 3;
  const L = 10;
  const delta = 0.01;

  it('gives a homogeneous tilted prism the reaction force E A delta / L', () => {
    // nu = 0: the uniaxial solution satisfies the clamped faces exactly
    const E = 1500;
    const model = prismModel([2, 2, 5], [a, b, L], 0.3, () => E, 0);
    const summary = writeInp(join(dir, 'prism.inp'), model, { displacementMm: delta });
    expect(summary.materialCount).toBe(1);
    expect(summary.modulusRelativeL2).toBe(0);

    const { loaded, fixed } = runCalculix(dir, 'prism');
    const axial = -(
      loaded[0] * model.axis[0] +
      loaded[1] * model.axis[1] +
      loaded[2] * model.axis[2]
    );
    const expected = (E * a * b * delta) / L; // 18 N
    expect(Math.abs(axial / expected - 1)).toBeLessThan(0.01);
    for (let d = 0; d < 3; d++) expect(fixed[d] + loaded[d]).toBeCloseTo(0, 6);
  });

  it('writes layered moduli exactly or binned, and the force follows the springs in series', () => {
    // ten layers along the axis, E from 10 to 5000 MPa: F = A delta / sum(h / E_i)
    const layers = 10;
    const layerModulus = (i: number) => 10 * Math.pow(500, i / (layers - 1));
    const model = prismModel([1, 1, layers], [a, b, L], 0, layerModulus, 0);
    const h = L / layers;
    const series = (moduli: number[]) =>
      (a * b * delta) / moduli.reduce((sum, E) => sum + h / E, 0);

    const exact = writeInp(join(dir, 'exact.inp'), model, {
      displacementMm: delta,
      materials: 'per-element',
    });
    expect(exact.materialCount).toBe(model.region.length);
    const exactForce = -runCalculix(dir, 'exact').loaded[2];
    const layerModuli = Array.from({ length: layers }, (_, i) => layerModulus(i));
    expect(Math.abs(exactForce / series(layerModuli) - 1)).toBeLessThan(0.01);

    const binned = writeInp(join(dir, 'binned.inp'), model, {
      displacementMm: delta,
      maxMaterials: 4,
    });
    expect(binned.materialCount).toBeLessThanOrEqual(4);
    expect(binned.modulusRelativeL2).toBeGreaterThan(0);
    const binnedForce = -runCalculix(dir, 'binned').loaded[2];
    // each layer's written modulus: all six tets of a layer share one bin
    const written = Array.from({ length: layers }, (_, i) => binned.writtenModulusMpa[6 * i]);
    expect(Math.abs(binnedForce / series(written) - 1)).toBeLessThan(0.01);
  });
});
