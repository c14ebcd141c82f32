import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log.js';
import { loadVertebraImage } from '../../input/loadVertebra.js';
import { fillHoles, thresholdVertebra } from '../../input/thresholdMask.js';
import { writeNifti } from './niftiWriter.js';

const dims = [12, 10, 9] as const;
const index = (i: number, j: number, k: number) => i + dims[0] * (j + dims[1] * k);

/**
 * A hollow 6 x 6 x 6 cube (shell 1 voxel thick, 216 - 64 = 152 voxels at 1000, cavity at 0)
 * at i, j, k in 1..6, and a 2 x 2 x 2 blob (8 voxels at 1000) at i 9..10, j 7..8, k 7..8 that
 * touches the cube nowhere. Background -100.
 */
function scene(): Float64Array {
  const values = new Float64Array(dims[0] * dims[1] * dims[2]).fill(-100);
  for (let k = 1; k <= 6; k++) {
    for (let j = 1; j <= 6; j++) {
      for (let i = 1; i <= 6; i++) {
        const shell = [i, j, k].some((c) => c === 1 || c === 6);
        values[index(i, j, k)] = shell ? 1000 : 0;
      }
    }
  }
  for (let k = 7; k <= 8; k++)
    for (let j = 7; j <= 8; j++)
      for (let i = 9; i <= 10; i++) {
        values[index(i, j, k)] = 1000;
      }
  return values;
}

describe('threshold, largest component, holes', () => {
  it('keeps the largest 6-connected component and fills its cavity', () => {
    const found = thresholdVertebra(scene(), dims, 200);
    expect(found.aboveThreshold).toBe(160);
    expect(found.components).toBe(2);
    expect(found.largestComponent).toBe(152);
    expect(found.holesFilled).toBe(64);
    expect(found.mask.reduce((a, b) => a + b, 0)).toBe(216);
    expect(found.mask[index(3, 3, 3)]).toBe(1);
    expect(found.mask[index(9, 7, 7)]).toBe(0);
  });

  it('diagonal contact does not join components; the threshold is inclusive', () => {
    const values = new Float64Array(27);
    values[0] = 300; // (0,0,0)
    values[1 + 3 * 1] = 300; // (1,1,0): shares only an edge with (0,0,0)
    values[2 + 3 * 1] = 200; // (2,1,0): face neighbour of (1,1,0), exactly at the threshold
    values[2 + 3 * 2] = 199.9; // (2,2,0): below
    const found = thresholdVertebra(values, [3, 3, 3], 200);
    expect(found.components).toBe(2);
    expect(found.largestComponent).toBe(2);
  });

  it('a cavity open to the border is not a hole', () => {
    const at = (i: number, j: number, k: number) => i + 5 * (j + 5 * k);
    const mask = new Uint8Array(125).fill(1);
    mask[at(2, 2, 2)] = 0; // enclosed
    mask[at(1, 1, 0)] = 0; // a tunnel from the border face k = 0 ...
    mask[at(1, 1, 1)] = 0; // ... one voxel deep
    expect(fillHoles(mask, [5, 5, 5])).toBe(1);
    expect(mask[at(2, 2, 2)]).toBe(1);
    expect(mask[at(1, 1, 1)]).toBe(0);
  });

  it('loadVertebraImage without a mask reports the threshold and crops with a margin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vph-thr-'));
    const path = writeNifti(join(dir, 'scene.nii.gz'), {
      dim: [3, ...dims],
      datatype: 4,
      pixdim: [1, 0.5, 0.5, 0.5],
      qformCode: 1,
      values: Array.from(scene()),
    });
    const loaded = await loadVertebraImage(
      { ctPath: path, inputUnits: 'hu', calibration: [0, 1], threshold: 500, marginVoxels: 2 },
      createLogger(true),
    );
    expect(loaded.provenance.threshold).toEqual({
      value: 500,
      units: 'HU',
      components: 2,
      largestComponentVoxels: 152,
      holesFilledVoxels: 64,
    });
    expect(loaded.provenance.vertebra.voxels).toBe(216);
    expect(loaded.provenance.vertebra.volumeMm3).toBeCloseTo(216 * 0.125, 12);
    // Cube i, j, k 1..6 plus 2 voxels of margin, clamped at 0: 0..8 in every axis.
    expect(loaded.provenance.crop).toEqual({ origin: [0, 0, 0], dims: [9, 9, 9] });
    expect(loaded.image.voxelToWorld[3]).toBe(0);
  });
});
