import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log.js';
import { projectPath } from '../../core/paths.js';
import { loadVertebraImage } from '../../input/loadVertebra.js';
import { readNifti } from '../../input/niftiFile.js';
import { VoxelRegion } from '../../input/volume.js';

interface Measure {
  voxels: number;
  volumeMm3: number;
  worldMinMm: number[];
  worldMaxMm: number[];
}

interface Reference {
  totalsegL3: Measure;
  totalsegOrientation: string;
  verseL2: Measure;
  verseOrientation: string;
  verseLabel1MeanDensity: number;
}

const quiet = createLogger(true);
const data = (...parts: string[]) => projectPath('data', ...parts);
const reference = JSON.parse(
  execFileSync('python3', [projectPath('test/input/reference_samples.py'), projectPath('data')], {
    encoding: 'utf8',
  }),
) as Reference;

function expectSameBox(got: Measure, want: Measure) {
  expect(got.voxels).toBe(want.voxels);
  expect(got.volumeMm3).toBeCloseTo(want.volumeMm3, 6);
  for (let a = 0; a < 3; a++) {
    expect(got.worldMinMm[a]).toBeCloseTo(want.worldMinMm[a], 4);
    expect(got.worldMaxMm[a]).toBeCloseTo(want.worldMaxMm[a], 4);
  }
}

describe('bundled samples against an independent numpy reading', () => {
  it('TotalSegmentator CT is RAS from the sform; L3 (label 29) box and volume match', async () => {
    const ct = readNifti(data('totalseg-lumbar', 'ct.nii.gz'));
    expect(ct.geometry.source).toBe('sform');
    expect(ct.geometry.orientation).toBe('RAS');
    expect(reference.totalsegOrientation).toBe('RAS');

    const loaded = await loadVertebraImage(
      {
        ctPath: data('totalseg-lumbar', 'ct.nii.gz'),
        maskPath: data('totalseg-lumbar', 'labels.nii.gz'),
        level: 'L3',
        inputUnits: 'hu',
      },
      quiet,
    );
    expect(loaded.provenance.selection?.convention).toBe('totalseg');
    expect(loaded.provenance.selection?.selectedLabels).toEqual([29]);
    expectSameBox(loaded.provenance.vertebra, reference.totalsegL3);
    expect(loaded.image.calibrated).toBe(false);
    expect(loaded.warnings.some((w) => w.includes('NO CALIBRATION'))).toBe(true);
  });

  it('VerSe is LPS from the qform; L2 (labels 1..4) box, volume, label-1 density', async () => {
    const density = readNifti(data('verse004-L2', 'density.nii.gz'));
    expect(density.geometry.source).toBe('qform');
    expect(density.geometry.orientation).toBe('LPS');
    expect(reference.verseOrientation).toBe('LPS');

    const loaded = await loadVertebraImage(
      {
        ctPath: data('verse004-L2', 'density.nii.gz'),
        maskPath: data('verse004-L2', 'labels.nii.gz'),
        inputUnits: 'density',
      },
      quiet,
    );
    expect(loaded.provenance.selection?.convention).toBe('regions');
    expectSameBox(loaded.provenance.vertebra, reference.verseL2);
    expect(loaded.image.calibrated).toBe(true);

    const { densityMgCm3, regions } = loaded.image;
    let sum = 0;
    let count = 0;
    for (let n = 0; n < regions.length; n++) {
      if (regions[n] !== VoxelRegion.BodyTrabecular) continue;
      sum += densityMgCm3[n];
      count++;
    }
    expect(sum / count).toBeCloseTo(reference.verseLabel1MeanDensity, 3);
  });
});
