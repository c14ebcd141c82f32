import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { loadVertebraImage, type LoadOptions } from '../../input/loadVertebra.js';
import { VoxelRegion } from '../../input/volume.js';
import { labelName, labelOfLevel, parseLevel } from '../../input/labelConventions.js';
import { writeNifti, type TestNifti } from './niftiWriter.js';

const dir = mkdtempSync(join(tmpdir(), 'vph-labels-'));
let fileCount = 0;
const quiet = createLogger(true);

/**
 * A 6 x 6 x 12 grid, 1 mm, RAS sform at the origin. The CT is 500 HU everywhere. The label map
 * stacks labels along k: two slices per label, k = 2m, 2m+1 for the m-th entry of `stack`,
 * leaving the first and last slice at 0 and one voxel of margin in i and j.
 */
function grid(extra: Partial<TestNifti> = {}): TestNifti {
  return {
    dim: [3, 6, 6, 12],
    datatype: 4,
    sformCode: 1,
    srow: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0],
    values: new Array(432).fill(500),
    ...extra,
  };
}

function stackedLabels(stack: number[]): number[] {
  const values = new Array(432).fill(0);
  for (let k = 1; k < 11; k++) {
    const label = stack[Math.floor((k - 1) / 2)];
    if (label === undefined) continue;
    for (let j = 1; j < 5; j++) for (let i = 1; i < 5; i++) values[i + 6 * (j + 6 * k)] = label;
  }
  return values;
}

function files(stack: number[], mask: Partial<TestNifti> = {}) {
  const ct = writeNifti(join(dir, `ct${fileCount}.nii`), grid());
  const labels = writeNifti(
    join(dir, `labels${fileCount++}.nii.gz`),
    grid({ datatype: 2, values: stackedLabels(stack), ...mask }),
  );
  return { ct, labels };
}

async function load(stack: number[], request: Partial<LoadOptions>, mask?: Partial<TestNifti>) {
  const { ct, labels } = files(stack, mask);
  return loadVertebraImage({ ctPath: ct, maskPath: labels, inputUnits: 'hu', ...request }, quiet);
}

async function expectUserError(work: Promise<unknown>, pattern: RegExp) {
  const error = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(UserError);
  expect((error as Error).message).toMatch(pattern);
  expect((error as Error).message).not.toContain('\n');
}

describe('label conventions', () => {
  it('VerSe and TotalSegmentator numbers of the lumbar levels', () => {
    expect(['L1', 'L2', 'L5'].map((l) => labelOfLevel('verse', l))).toEqual([20, 21, 24]);
    expect(['L1', 'L2', 'L5'].map((l) => labelOfLevel('totalseg', l))).toEqual([31, 30, 27]);
    expect(['C1', 'T1', 'T12', 'S1'].map((l) => labelOfLevel('totalseg', l))).toEqual([
      50, 43, 32, 26,
    ]);
    expect(['C1', 'C7', 'T1', 'T12', 'L6'].map((l) => labelOfLevel('verse', l))).toEqual([
      1, 7, 8, 19, 25,
    ]);
    expect(labelName('verse', 26)).toBe('sacrum');
    expect(labelName('totalseg', 25)).toBe('sacrum');
    expect(labelName('regions', 5)).toBe('cap inferior');
    expect(parseLevel(' l2 ')).toBe('L2');
    expect(() => parseLevel('L9')).toThrow(/'L9' is not a spinal level/);
  });
});

describe('choosing a vertebra', () => {
  it('--level in a VerSe map (labels 20..24 only fit VerSe for L2)', async () => {
    const loaded = await load([20, 21, 22, 23, 24], { level: 'L2' });
    expect(loaded.provenance.selection?.convention).toBe('verse');
    expect(loaded.provenance.selection?.selectedLabels).toEqual([21]);
    expect(loaded.provenance.vertebra.voxels).toBe(32);
    const { regions } = loaded.image;
    expect(new Set(regions)).toEqual(new Set([0, VoxelRegion.Vertebra]));
  });

  it('--level in a TotalSegmentator map (labels above 28 rule out VerSe)', async () => {
    const loaded = await load([27, 28, 29, 30, 31], { level: 'L3' });
    expect(loaded.provenance.selection?.convention).toBe('totalseg');
    expect(loaded.provenance.selection?.selectedLabels).toEqual([29]);
    // L3 = 29 is the third pair of slices: world z = 5, 6 (voxel centres, 1 mm grid).
    expect(loaded.provenance.vertebra.worldMinMm[2]).toBe(5);
    expect(loaded.provenance.vertebra.worldMaxMm[2]).toBe(6);
  });

  it('ambiguous numbering needs --labels, and --labels settles it', async () => {
    const stack = [20, 21, 22, 23, 28];
    await expectUserError(load(stack, { level: 'L4' }), /fit both .*give --labels/);
    const verse = await load(stack, { level: 'L4', labels: 'verse' });
    expect(verse.provenance.selection?.selectedLabels).toEqual([23]);
    const totalseg = await load(stack, { level: 'L4', labels: 'totalseg' });
    expect(totalseg.provenance.selection?.selectedLabels).toEqual([28]);
  });

  it('labels 1..6 without a level are the regions scheme, coded per region', async () => {
    const loaded = await load([1, 2, 3, 4, 5], {});
    expect(loaded.provenance.selection?.convention).toBe('regions');
    const present = new Set(loaded.image.regions);
    expect(present).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    // Caps (5) are not bone: 4 labels x 2 slices x 16 voxels.
    expect(loaded.provenance.vertebra.voxels).toBe(128);
  });

  it('--label picks a raw value; a single-label map is a binary mask', async () => {
    const raw = await load([7, 9], { label: 9 });
    expect(raw.provenance.selection?.selectedLabels).toEqual([9]);
    const binary = await load([1], {});
    expect(binary.provenance.vertebra.voxels).toBe(32);
    expect(binary.image.regions.includes(VoxelRegion.Vertebra)).toBe(true);
  });

  it('an empty selection lists the labels present with their names', async () => {
    await expectUserError(
      load([27, 28, 29], { level: 'L1' }),
      // 29 is no VerSe label, so the labels are named in the TotalSegmentator numbering alone.
      /no label for L1 \(labels present: 27 L5, 28 L4, 29 L3\)/,
    );
    await expectUserError(load([20, 21], { label: 5 }), /--label 5 is absent .*20 L1/);
    await expectUserError(load([20, 21], {}), /several labels .*choose --level or --label/);
  });

  it('non-integer label values are an error naming the value', async () => {
    // Label 21 stored as float32 with slope 0.5 reads as 10.5.
    await expectUserError(
      load([21], { level: 'L1' }, { datatype: 16, sclSlope: 0.5 }),
      /voxel \d+ holds 10\.5: a label map needs integer values/,
    );
  });

  it('a vertebra touching the volume border is warned about', async () => {
    const { ct } = files([]);
    const touching = grid({ datatype: 2, values: new Array(432).fill(0) });
    for (let n = 0; n < 36; n++) (touching.values as number[])[n] = 21;
    const labels = writeNifti(join(dir, `border.nii`), touching);
    const loaded = await loadVertebraImage(
      { ctPath: ct, maskPath: labels, inputUnits: 'hu', level: 'L2', labels: 'verse' },
      quiet,
    );
    expect(loaded.provenance.vertebra.touchesBorder).toBe(true);
    expect(loaded.warnings.join()).toMatch(/touches the volume border: it may be cut/);
  });
});

describe('a mask on another grid', () => {
  it('is resampled nearest-neighbour when its affine is known', async () => {
    // Mask: 3 x 3 x 6 voxels of 2 mm; voxel (a, b, c) covers CT voxels 2a..2a+1 etc. when its
    // centre sits at 2a + 0.5 mm. Label 21 at mask voxels k = 2 -> CT slices k = 4, 5.
    const values = new Array(54).fill(0);
    for (let j = 0; j < 3; j++) for (let i = 0; i < 3; i++) values[i + 3 * (j + 3 * 2)] = 21;
    const mask = writeNifti(join(dir, 'coarse.nii'), {
      dim: [3, 3, 3, 6],
      datatype: 2,
      sformCode: 1,
      srow: [2, 0, 0, 0.5, 0, 2, 0, 0.5, 0, 0, 2, 0.5],
      values,
    });
    const ct = writeNifti(join(dir, 'ct-fine.nii'), grid());
    const loaded = await loadVertebraImage(
      { ctPath: ct, maskPath: mask, inputUnits: 'hu', level: 'L2', labels: 'verse' },
      quiet,
    );
    expect(loaded.provenance.selection?.resampled).toBe(true);
    expect(loaded.warnings.join()).toMatch(/resampled nearest-neighbour/);
    expect(loaded.provenance.vertebra.voxels).toBe(72);
    expect(loaded.provenance.vertebra.worldMinMm).toEqual([0, 0, 4]);
    expect(loaded.provenance.vertebra.worldMaxMm).toEqual([5, 5, 5]);
  });

  it('is an error when a grid transform is unknown', async () => {
    const mask = writeNifti(join(dir, 'noaffine.nii'), {
      dim: [3, 3, 3, 6],
      datatype: 2,
      values: new Array(54).fill(21),
    });
    const ct = writeNifti(join(dir, 'ct-known.nii'), grid());
    await expectUserError(
      loadVertebraImage({ ctPath: ct, maskPath: mask, inputUnits: 'hu', label: 21 }, quiet),
      /dims 3x3x6 differ from the CT's 6x6x12 and a grid transform is unknown/,
    );
  });
});
