import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { loadVertebraImage } from '../../input/loadVertebra.js';
import { readNifti } from '../../input/niftiFile.js';
import { voxelToWorldPoint } from '../../input/niftiGeometry.js';
import { writeNifti, type TestNifti } from './niftiWriter.js';

const dir = mkdtempSync(join(tmpdir(), 'vph-geom-'));
let fileCount = 0;
const write = (spec: Omit<TestNifti, 'datatype' | 'values' | 'dim'> & Partial<TestNifti>) =>
  writeNifti(join(dir, `g${fileCount++}.nii`), {
    dim: [3, 2, 3, 4],
    datatype: 2,
    values: new Array(24).fill(0),
    ...spec,
  });

/** Compares an affine; `digits` allows for float32 header fields scaled by 1000. */
function expectAffine(got: Float64Array, rows: number[][], digits = 5) {
  const want = [...rows.flat(), 0, 0, 0, 1];
  for (let n = 0; n < 16; n++) expect(got[n]).toBeCloseTo(want[n], digits);
}

function expectUserError(action: () => unknown, pattern: RegExp) {
  expect(action).toThrow(UserError);
  expect(action).toThrow(pattern);
}

describe('choice of transform', () => {
  it('qform: rotation, qfac, pixdim and offsets (90 degrees about z, qfac -1)', () => {
    const s = Math.SQRT1_2;
    const image = readNifti(
      write({
        qformCode: 1,
        quatern: [0, 0, s],
        pixdim: [-1, 0.5, 2, 3],
        qoffset: [10, 20, 30],
      }),
    );
    // R = [[0,-1,0],[1,0,0],[0,0,1]] times diag(0.5, 2, -3).
    expectAffine(image.voxelToWorld, [
      [0, -2, 0, 10],
      [0.5, 0, 0, 20],
      [0, 0, -3, 30],
    ]);
    expect(image.geometry.source).toBe('qform');
    expect(image.geometry.orientation).toBe('ALI');
    expect(image.spacingMm.map((v) => +v.toFixed(6))).toEqual([0.5, 2, 3]);
  });

  it('a quaternion whose b^2 + c^2 + d^2 rounds above 1 is normalised, not NaN', () => {
    // (0.6, 0.8, 1e-7): 180 degrees about the axis (0.6, 0.8, 0).
    const image = readNifti(
      write({ qformCode: 1, quatern: [0.6, 0.8, 1e-7], pixdim: [1, 1, 1, 1] }),
    );
    expectAffine(image.voxelToWorld, [
      [2 * 0.36 - 1, 2 * 0.48, 0, 0],
      [2 * 0.48, 2 * 0.64 - 1, 0, 0],
      [0, 0, -1, 0],
    ]);
  });

  it('sform wins when its code is > 0; a matching qform raises no warning', () => {
    const image = readNifti(
      write({
        sformCode: 2,
        srow: [-1, 0, 0, 5, 0, -1, 0, 6, 0, 0, 1, 7],
        qformCode: 1,
        quatern: [0, 0, 1],
        pixdim: [1, 1, 1, 1],
        qoffset: [5, 6, 7],
      }),
    );
    expect(image.geometry.source).toBe('sform');
    expect(image.geometry.orientation).toBe('LPS');
    expect(image.warnings).toEqual([]);
    expect(image.geometry.reason).toMatch(/qform \(code 1\) agrees/);
  });

  it('sform and qform disagreeing by more than a tenth of a voxel: sform used, warning', () => {
    const image = readNifti(
      write({
        sformCode: 1,
        srow: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0],
        qformCode: 2,
        quatern: [0, 0, 0],
        pixdim: [1, 1, 1, 1],
        qoffset: [0.2, 0, 0],
      }),
    );
    expectAffine(image.voxelToWorld, [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ]);
    expect(image.warnings.join()).toMatch(
      /sform \(code 1\) and qform \(code 2\) disagree by 0\.200/,
    );

    const close = readNifti(
      write({
        sformCode: 1,
        srow: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0],
        qformCode: 2,
        pixdim: [1, 1, 1, 1],
        qoffset: [0.05, 0, 0],
      }),
    );
    expect(close.warnings).toEqual([]);
  });

  it('neither form: voxel sizes alone, with a warning', () => {
    const image = readNifti(write({ pixdim: [0, 0.7, 0.8, 2.5] }));
    expect(image.geometry.source).toBe('pixdim');
    expectAffine(image.voxelToWorld, [
      [0.7, 0, 0, 0],
      [0, 0.8, 0, 0],
      [0, 0, 2.5, 0],
    ]);
    expect(image.warnings.join()).toMatch(/no sform or qform/);
  });

  it('zero, negative or non-finite voxel sizes are errors', () => {
    for (const size of [0, -1, NaN, Infinity]) {
      const path = write({ qformCode: 1, pixdim: [1, 1, size, 1] });
      expectUserError(() => readNifti(path), /pixdim\[2\] is .*: voxel sizes must be > 0/);
    }
    const flat = write({ sformCode: 1, srow: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0] });
    expectUserError(() => readNifti(flat), /sform gives voxel sizes 1 x 0 x 1 mm/);
  });
});

describe('spatial units', () => {
  const sform = [0.002, 0, 0, 0.1, 0, 0.002, 0, 0.2, 0, 0, 0.003, 0.3];

  it('metres and micrometres are converted to mm; unknown is mm with a warning', () => {
    const metres = readNifti(write({ sformCode: 1, srow: sform, xyztUnits: 1 + 8 }));
    expectAffine(
      metres.voxelToWorld,
      [
        [2, 0, 0, 100],
        [0, 2, 0, 200],
        [0, 0, 3, 300],
      ],
      3,
    );
    expect(metres.geometry.units).toBe('m');

    const microns = readNifti(
      write({ sformCode: 1, srow: [500, 0, 0, 0, 0, 500, 0, 0, 0, 0, 250, 1000], xyztUnits: 3 }),
    );
    expectAffine(microns.voxelToWorld, [
      [0.5, 0, 0, 0],
      [0, 0.5, 0, 0],
      [0, 0, 0.25, 1],
    ]);

    const unknown = readNifti(write({ sformCode: 1, srow: sform, xyztUnits: 0 }));
    expect(unknown.voxelToWorld[0]).toBeCloseTo(0.002, 9);
    expect(unknown.warnings.join()).toMatch(/no spatial unit: millimetres assumed/);
  });
});

/**
 * One L-shaped object in world space, sampled on the same world grid written in several voxel
 * orders. World grid: x = -13..13, y = -13..15, z = -9..9 in 2 mm steps (14 x 15 x 10 points).
 * Object: box x in [-10,10], y in [-6,6], z in [-4,4] plus box x in [4,10], y in [6,12],
 * z in [-4,4]. By hand: 10*6*4 = 240 points in the first box, 3*3*4 = 36 more in the second,
 * 276 voxels of 8 mm3 = 2208 mm3; centroid ((240*0 + 36*7)/276, (36*9)/276, 0); centre bounds
 * x -9..9, y -5..11, z -3..3.
 */
describe('any orientation gives the same anatomy in world space', () => {
  const worldStart = [-13, -13, -9];
  const worldCount = [14, 15, 10];
  const step = 2;
  const inside = (x: number, y: number, z: number) =>
    (Math.abs(x) <= 10 && Math.abs(y) <= 6 && Math.abs(z) <= 4) ||
    (x >= 4 && x <= 10 && y >= 6 && y <= 12 && Math.abs(z) <= 4);

  // For voxel axis v: the world axis it runs along and its direction.
  const orientations: Record<string, { axes: number[]; signs: number[] }> = {
    RAS: { axes: [0, 1, 2], signs: [1, 1, 1] },
    LPS: { axes: [0, 1, 2], signs: [-1, -1, 1] },
    PIR: { axes: [1, 2, 0], signs: [-1, -1, 1] },
    LAS: { axes: [0, 1, 2], signs: [-1, 1, 1] },
    SLA: { axes: [2, 0, 1], signs: [1, -1, 1] },
  };

  function writeOriented(name: string, useQform: boolean): string {
    const { axes, signs } = orientations[name];
    const dims = axes.map((w) => worldCount[w]);
    const affine = new Array(12).fill(0);
    for (let v = 0; v < 3; v++) {
      const w = axes[v];
      affine[4 * w + v] = signs[v] * step;
    }
    for (let w = 0; w < 3; w++) {
      const v = axes.indexOf(w);
      const first = signs[v] > 0 ? worldStart[w] : worldStart[w] + step * (worldCount[w] - 1);
      affine[4 * w + 3] = first;
    }

    const values: number[] = [];
    const matrix = Float64Array.from([...affine, 0, 0, 0, 1]);
    for (let k = 0; k < dims[2]; k++) {
      for (let j = 0; j < dims[1]; j++) {
        for (let i = 0; i < dims[0]; i++) {
          values.push(inside(...voxelToWorldPoint(matrix, i, j, k)) ? 1000 : -50);
        }
      }
    }

    const spec: TestNifti = { dim: [3, ...dims], datatype: 4, values, pixdim: [1, 2, 2, 2] };
    if (useQform) {
      // LPS: 180 degrees about z, qfac 1. LAS: 180 degrees about y with qfac -1.
      spec.qformCode = 1;
      spec.quatern = name === 'LPS' ? [0, 0, 1] : [0, 1, 0];
      spec.pixdim = [name === 'LPS' ? 1 : -1, 2, 2, 2];
      spec.qoffset = [affine[3], affine[7], affine[11]];
    } else {
      spec.sformCode = 2;
      spec.srow = affine;
    }
    return writeNifti(join(dir, `${name}${useQform ? '-q' : ''}.nii.gz`), spec);
  }

  const cases: [string, boolean][] = [
    ['RAS', false],
    ['LPS', false],
    ['LPS', true],
    ['PIR', false],
    ['LAS', true],
    ['SLA', false],
  ];
  for (const [name, useQform] of cases) {
    it(`${name} via the ${useQform ? 'qform' : 'sform'}`, async () => {
      const path = writeOriented(name, useQform);
      const loaded = await loadVertebraImage(
        { ctPath: path, inputUnits: 'hu', calibration: [0, 1] },
        createLogger(true),
      );
      expect(loaded.provenance.transform.orientation).toBe(name);

      const { vertebra } = loaded.provenance;
      expect(vertebra.voxels).toBe(276);
      expect(vertebra.volumeMm3).toBeCloseTo(2208, 6);
      expect(vertebra.worldMinMm.map((v) => v + 0)).toEqual([-9, -5, -3]);
      expect(vertebra.worldMaxMm).toEqual([9, 11, 3]);

      const { image } = loaded;
      const sum = [0, 0, 0];
      let count = 0;
      const [nx, ny] = image.dims;
      for (let n = 0; n < image.regions.length; n++) {
        if (image.regions[n] === 0) continue;
        const p = voxelToWorldPoint(
          image.voxelToWorld,
          n % nx,
          Math.floor(n / nx) % ny,
          Math.floor(n / (nx * ny)),
        );
        for (let a = 0; a < 3; a++) sum[a] += p[a];
        count++;
      }
      expect(count).toBe(276);
      expect(sum[0] / count).toBeCloseTo(252 / 276, 9);
      expect(sum[1] / count).toBeCloseTo(324 / 276, 9);
      expect(sum[2] / count).toBeCloseTo(0, 9);
    });
  }
});
