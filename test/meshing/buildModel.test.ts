import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { loadVertebraImage } from '../../input/loadVertebra.js';
import { VoxelRegion, type VertebraImage } from '../../input/volume.js';
import { buildVertebraModel, type BuiltModel } from '../../meshing/buildModel.js';
import { materialLaw } from '../../meshing/materialLaws.js';
import { ElementRegion, type VertebraModel } from '../../meshing/tetMesh.js';
import { diagonalAffine, syntheticImage } from './fixtures.js';

const quiet = createLogger(true);

/** Nodes used by elements of the given regions. */
function nodesOf(model: VertebraModel, regions: ElementRegion[]): Set<number> {
  const out = new Set<number>();
  model.region.forEach((r, e) => {
    if (!regions.includes(r)) return;
    for (let c = 0; c < 4; c++) out.add(model.mesh.tets[4 * e + c]);
  });
  return out;
}

/** Checks every invariant a built model must hold. */
function checkModel(built: BuiltModel): void {
  const { model, quality, report } = built;
  expect(quality.invertedCount).toBe(0);
  expect(Math.abs(report.meshVolumeMm3 / report.maskVolumeMm3 - 1)).toBeLessThan(0.03);

  const along = (n: number) =>
    model.axis[0] * model.mesh.nodes[3 * n] +
    model.axis[1] * model.mesh.nodes[3 * n + 1] +
    model.axis[2] * model.mesh.nodes[3 * n + 2];
  const inferiorCap = nodesOf(model, [ElementRegion.CapInferior]);
  const superiorCap = nodesOf(model, [ElementRegion.CapSuperior]);
  const offFixed = Array.from(model.fixedNodes).filter(
    (n) => !(Math.abs(along(n) - report.capPlanesMm.inferior) < 1e-3 && inferiorCap.has(n)),
  );
  const offLoaded = Array.from(model.loadedNodes).filter(
    (n) => !(Math.abs(along(n) - report.capPlanesMm.superior) < 1e-3 && superiorCap.has(n)),
  );
  expect([offFixed.length, offLoaded.length]).toEqual([0, 0]);
  expect(model.heightMm).toBeCloseTo(report.capPlanesMm.superior - report.capPlanesMm.inferior, 9);
  // every node of the mesh lies between the planes
  let outsidePlanes = 0;
  for (let n = 0; n < model.mesh.nodes.length / 3; n++) {
    const s = along(n);
    if (s < report.capPlanesMm.inferior - 1e-3 || s > report.capPlanesMm.superior + 1e-3) {
      outsidePlanes++;
    }
  }
  expect(outsidePlanes).toBe(0);

  let badCaps = 0;
  let badBone = 0;
  let badPoisson = 0;
  model.region.forEach((r, e) => {
    const modulus = model.youngsModulusMpa[e];
    if (r === ElementRegion.CapInferior || r === ElementRegion.CapSuperior) {
      if (modulus !== 2500 || !Number.isNaN(model.densityMgCm3[e])) badCaps++;
    } else if (!(modulus >= 1 && modulus <= 20000) || Number.isNaN(model.densityMgCm3[e])) {
      badBone++;
    }
    if (model.poissonRatio[e] !== 0.3) badPoisson++;
  });
  expect([badCaps, badBone, badPoisson]).toEqual([0, 0, 0]);
}

describe('buildVertebraModel on a synthetic vertebra', () => {
  // body: cylinder radius 12 mm, z 10..30 mm; posterior: pedicle bar and arch behind it;
  // density 150 mg/cm3 everywhere in the bone
  const image = syntheticImage(
    [40, 48, 40],
    diagonalAffine([1, 1, 1], [0.5, 0.5, 0.5]),
    (i, j, k) => {
      const [x, y, z] = [i + 0.5, j + 0.5, k + 0.5];
      const density = 150;
      if (Math.hypot(x - 20, y - 28) <= 12 && z > 10 && z < 30) return { region: 1, density };
      const pedicle = Math.abs(x - 20) <= 3 && y > 9 && y <= 17 && z > 16 && z < 24;
      const arch = Math.abs(x - 20) <= 10 && y > 4 && y <= 9 && z > 14 && z < 26;
      return pedicle || arch ? { region: 3, density } : { region: 0, density: -1000 };
    },
  );

  it('meshes bone and caps with flat loaded faces, cement caps and mapped bone', () => {
    const built = buildVertebraModel(
      image,
      { elementSizeMm: 1.5, axisMethod: 'principal-axes' },
      quiet,
    );
    checkModel(built);
    const { model, report } = built;
    expect(report.axisAngleToImageDeg).toBeLessThan(0.5);
    // body voxel faces at 10 and 30 mm, 3 mm of cement beyond each
    expect(report.heightMm).toBeCloseTo(26, 6);
    expect(report.elementCounts.posterior).toBeGreaterThan(0);
    expect(report.elementCounts.capInferior).toBeGreaterThan(0);
    expect(report.elementCounts.capSuperior).toBeGreaterThan(0);
    // uniform density: every bone element has the law's modulus at 150 mg/cm3
    const expected = materialLaw('morgan2003-vertebra').modulusMpa(150);
    let off = 0;
    model.region.forEach((r, e) => {
      if (r !== ElementRegion.Body && r !== ElementRegion.Posterior) return;
      const modulusError = Math.abs(model.youngsModulusMpa[e] - expected);
      if (modulusError > 1e-6 * expected || Math.abs(model.densityMgCm3[e] - 150) > 1e-6) off++;
    });
    expect(off).toBe(0);
    // the flat faces are discs of radius 12 mm: their nodes span about 24 mm
    const xs = Array.from(model.loadedNodes, (n) => model.mesh.nodes[3 * n]);
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(20);
    // posterior elements never share a node with a cap
    const posterior = nodesOf(model, [ElementRegion.Posterior]);
    const caps = nodesOf(model, [ElementRegion.CapInferior, ElementRegion.CapSuperior]);
    expect([...posterior].filter((n) => caps.has(n))).toEqual([]);
  });

  it('gives a rotated copy the rotated axis, the same volume and the same height', () => {
    // the same voxels under an affine rotated 15 degrees about world x
    const t = (15 * Math.PI) / 180;
    const [c, s] = [Math.cos(t), Math.sin(t)];
    const rotated: VertebraImage = {
      ...image,
      voxelToWorld: Float64Array.from([1, 0, 0, 0.5, 0, c, -s, 0.5, 0, s, c, 0.5, 0, 0, 0, 1]),
    };
    const options = { elementSizeMm: 1.5, axisMethod: 'principal-axes' } as const;
    const straight = buildVertebraModel(image, options, quiet);
    const turned = buildVertebraModel(rotated, options, quiet);
    checkModel(turned);
    // the body's axis (voxel k) maps to (0, -sin t, cos t)
    const axis = turned.model.axis;
    const angle = (Math.acos(Math.min(1, -s * axis[1] + c * axis[2])) * 180) / Math.PI;
    expect(angle).toBeLessThan(0.5);
    expect(turned.report.axisAngleToImageDeg).toBeCloseTo(15, 0);
    expect(turned.report.heightMm).toBeCloseTo(straight.report.heightMm, 1);
    const volumeRatio = turned.report.meshVolumeMm3 / straight.report.meshVolumeMm3;
    expect(Math.abs(volumeRatio - 1)).toBeLessThan(0.01);
  });

  it('refuses bone over invalid voxels, saying how much of the bone', () => {
    const invalid = Uint8Array.from(image.invalid);
    for (let i = 15; i < 25; i++) invalid[i + 40 * (28 + 48 * 20)] = 1;
    const holed: VertebraImage = { ...image, invalid };
    expect(() =>
      buildVertebraModel(holed, { elementSizeMm: 2, source: 'ct.nii.gz' }, quiet),
    ).toThrow(UserError);
    expect(() =>
      buildVertebraModel(holed, { elementSizeMm: 2, source: 'ct.nii.gz' }, quiet),
    ).toThrow(
      /^ct\.nii\.gz: \d+ of \d+ bone elements \([\d.]+ %\) overlap voxels without a valid value/,
    );
  });

  it('refuses an unknown law and a bad element size', () => {
    expect(() => buildVertebraModel(image, { law: 'nope' }, quiet)).toThrow(/--law: unknown/);
    expect(() => buildVertebraModel(image, { elementSizeMm: -1 }, quiet)).toThrow(/--element-size/);
  });
});

/** The same image with its voxel axes permuted: new axis a is old axis perm[a]. */
function permuted(image: VertebraImage, perm: [number, number, number]): VertebraImage {
  const dims = perm.map((a) => image.dims[a]) as [number, number, number];
  const m = image.voxelToWorld;
  const affine = Float64Array.from(m);
  for (let r = 0; r < 3; r++) for (let a = 0; a < 3; a++) affine[4 * r + a] = m[4 * r + perm[a]];
  const count = image.regions.length;
  const densityMgCm3 = new Float32Array(count);
  const regions = new Uint8Array(count);
  const invalid = new Uint8Array(count);
  const old = [0, 0, 0];
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      for (let i = 0; i < dims[0]; i++) {
        old[perm[0]] = i;
        old[perm[1]] = j;
        old[perm[2]] = k;
        const from = old[0] + image.dims[0] * (old[1] + image.dims[1] * old[2]);
        const to = i + dims[0] * (j + dims[1] * k);
        densityMgCm3[to] = image.densityMgCm3[from];
        regions[to] = image.regions[from];
        invalid[to] = image.invalid[from];
      }
    }
  }
  const spacingMm = perm.map((a) => image.spacingMm[a]) as [number, number, number];
  return { ...image, dims, voxelToWorld: affine, spacingMm, densityMgCm3, regions, invalid };
}

describe('buildVertebraModel on the real samples', () => {
  it('builds the VerSe L2 (labelled caps) at h = 1 mm', async () => {
    const { image } = await loadVertebraImage(
      {
        ctPath: 'data/verse004-L2/density.nii.gz',
        maskPath: 'data/verse004-L2/labels.nii.gz',
        inputUnits: 'density',
      },
      quiet,
    );
    const built = buildVertebraModel(image, { elementSizeMm: 1 }, quiet);
    checkModel(built);
    const { report } = built;
    expect(report.axisSource).toBe('labelled-caps');
    expect(report.axisAngleToImageDeg).toBeLessThan(2);
    expect(report.splitBody).toBe(false);
    expect(report.labelledCapVoxels).toBeGreaterThan(10000);
    // labels: body voxels span k = 26..56 (31 mm), caps reach 3 mm beyond: about 37 mm
    expect(report.heightMm).toBeGreaterThan(35);
    expect(report.heightMm).toBeLessThan(39);
    expect(built.model.fixedNodes.length).toBeGreaterThan(500);
    expect(built.model.loadedNodes.length).toBeGreaterThan(500);
  });

  it('builds the TotalSeg L3 (generated caps) at h = 2 mm, and a permuted copy alike', async () => {
    const { image } = await loadVertebraImage(
      {
        ctPath: 'data/totalseg-lumbar/ct.nii.gz',
        maskPath: 'data/totalseg-lumbar/labels.nii.gz',
        level: 'L3',
        inputUnits: 'hu',
      },
      quiet,
    );
    expect(image.regions.includes(VoxelRegion.Vertebra)).toBe(true);
    const built = buildVertebraModel(image, { elementSizeMm: 2 }, quiet);
    checkModel(built);
    expect(built.report.splitBody).toBe(true);
    expect(built.report.generatedCapVoxels).toBeGreaterThan(0);
    expect(built.report.elementCounts.posterior).toBeGreaterThan(0);

    const copy = buildVertebraModel(permuted(image, [2, 0, 1]), { elementSizeMm: 2 }, quiet);
    checkModel(copy);
    expect(Math.abs(copy.report.meshVolumeMm3 / built.report.meshVolumeMm3 - 1)).toBeLessThan(0.01);
    expect(copy.report.heightMm).toBeCloseTo(built.report.heightMm, 6);
  });
});
