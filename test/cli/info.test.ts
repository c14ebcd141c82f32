import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../core/paths.js';
import { writeNifti } from '../input/niftiWriter.js';

function vph(...args: string[]) {
  const result = spawnSync('npx', ['tsx', projectPath('cli/vph.ts'), 'info', ...args], {
    cwd: projectPath(),
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const data = (...parts: string[]) => projectPath('data', ...parts);

describe('vph info', () => {
  it('describes the VerSe sample: LPS from the qform, labels with names and counts', () => {
    const run = vph(
      data('verse004-L2', 'density.nii.gz'),
      '--mask',
      data('verse004-L2', 'labels.nii.gz'),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/dims +100 x 89 x 74/);
    expect(run.stdout).toMatch(/orientation +LPS/);
    expect(run.stdout).toMatch(/transform +qform: sform_code is 0 and qform_code is 1/);
    expect(run.stdout).toMatch(/float64/);
    expect(run.stdout).toMatch(/numbering fits: verse, regions/);
    expect(run.stdout).toMatch(/^ +5 +\d+ voxels +verse C5, regions cap inferior$/m);
  });

  it('--json for the TotalSegmentator labels: RAS from the sform, label 29 is L3', () => {
    const run = vph(data('totalseg-lumbar', 'labels.nii.gz'), '--json');
    expect(run.code).toBe(0);
    const info = JSON.parse(run.stdout);
    expect(info.orientation).toBe('RAS');
    expect(info.transform).toBe('sform');
    expect(info.spacingMm).toEqual([3, 3, 3]);
    expect(info.voxelToWorld[0][0]).toBe(3);
    expect(info.labels.conventions).toEqual(['totalseg']);
    const l3 = info.labels.labels.find((l: { label: number }) => l.label === 29);
    expect(l3.names.totalseg).toBe('L3');
    expect(l3.voxels).toBeGreaterThan(0);
    expect(info.warnings.join()).toMatch(/millimetres assumed/);
  });

  it('reports the value range after scaling and the datatype of a generated file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vph-info-'));
    const path = writeNifti(join(dir, 'scaled.nii'), {
      version: 2,
      littleEndian: false,
      dim: [3, 2, 2, 1],
      datatype: 512,
      sclSlope: 2,
      sclInter: -1024,
      values: [0, 10, 1000, 3000],
      sformCode: 1,
      srow: [0, 0, 1.5, 0, -1, 0, 0, 0, 0, -2, 0, 0],
    });
    const run = vph(path, '--json');
    expect(run.code).toBe(0);
    const info = JSON.parse(run.stdout);
    expect(info.format).toBe('NIfTI-2');
    expect(info.byteOrder).toBe('big-endian');
    expect(info.datatype).toBe('uint16');
    expect(info.range).toEqual({ min: -1024, max: 4976, nonFinite: 0 });
    expect(info.orientation).toBe('PIR');
  });

  it('shows the first volume of a 4-D file unless --volume chooses another', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vph-info-'));
    const path = writeNifti(join(dir, 'four.nii.gz'), {
      dim: [4, 2, 1, 1, 2],
      datatype: 4,
      values: [1, 2, -5, 7],
    });
    const first = vph(path);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/dims +2 x 1 x 1 \(volume 0 of 2\)/);
    expect(first.stdout).toMatch(/range +1 \.\. 2 after scaling/);
    const second = JSON.parse(vph(path, '--volume', '1', '--json').stdout);
    expect(second.range).toEqual({ min: -5, max: 7, nonFinite: 0 });
  });

  it('user mistakes exit 1 with one line on stderr', () => {
    for (const args of [
      ['/no/such/file.nii'],
      [],
      [data('verse004-L2', 'density.nii.gz'), '--bogus'],
    ]) {
      const run = vph(...args);
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^error: /);
    }
  });
});
