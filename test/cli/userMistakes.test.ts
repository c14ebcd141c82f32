/**
 * Mistakes a new user makes with `vph solve`, each answered by one line that says what to do
 * (exit code 1), and the model options `vph mesh` and `vph solve` share.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../core/paths.js';
import { runVph } from './runVph.js';

const vph = runVph;

const ct = projectPath('data', 'totalseg-lumbar', 'ct.nii.gz');
const labels = projectPath('data', 'totalseg-lumbar', 'labels.nii.gz');
const verseDensity = projectPath('data', 'verse004-L2', 'density.nii.gz');
const verseLabels = projectPath('data', 'verse004-L2', 'labels.nii.gz');

describe('vph solve: user mistakes', () => {
  it('names a misspelt option and points at --help', () => {
    const run = vph('solve', ct, '--levle', 'L3');
    expect(run.code).toBe(1);
    expect(run.errorLines).toEqual(["error: unknown option '--levle' (--help lists the options)"]);
  });

  it('explains that a regions map of one vertebra takes no --level', () => {
    const run = vph('solve', verseDensity, '--mask', verseLabels, '--level', 'L2');
    expect(run.code).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toContain('regions scheme of one cropped vertebra');
    expect(run.errorLines[0]).toContain('leave out --level');
  });

  it('asks for a mask when the thresholded bone is a whole spine', () => {
    const run = vph('solve', ct, '--element-size', '3');
    expect(run.code).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    // 3 mm voxels: the spine, pelvis and ribs above 200 HU are hundreds of cm3.
    expect(run.errorLines[0]).toMatch(/forms \d{3,} cm3 .*give --mask and --level/);
  });

  it('refuses a segmentation whose vertebral body cannot be found', () => {
    // At 100 mg/cm3 the L2's cortex does not close: the largest piece is mostly posterior bone.
    const run = vph('solve', verseDensity, '--input-units', 'density', '--threshold', '100');
    expect(run.code).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toContain('the vertebral body could not be separated');
  });
});

describe('vph solve: model options shared with vph mesh', () => {
  it('records --cap-thickness and --axis in the report and lists warnings with --quiet', () => {
    const out = mkdtempSync(join(tmpdir(), 'vph-options-'));
    const args = ['--mask', labels, '--level', 'L3', '--element-size', '3', '--backend', 'wasm'];
    const run = vph(
      'solve',
      ct,
      ...args,
      '--cap-thickness',
      '4',
      '--axis',
      'image',
      '--quiet',
      '--out',
      out,
    );
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.model.options.capThicknessMm).toBe(4);
    expect(report.model.options.axisMethod).toBe('image');
    // The image axis is +z exactly.
    expect(report.model.axis).toEqual([0, 0, 1]);
    // Quiet: no progress lines, and every warning spelt out in the table.
    expect(run.stderr).not.toMatch(/^read /m);
    for (const warning of report.warnings) expect(run.stdout).toContain(warning);
  });

  it('--threads 2 runs the WebAssembly kernel on two workers, same certified answer', () => {
    const args = ['--mask', labels, '--level', 'L3', '--element-size', '3', '--backend', 'wasm'];
    const one = JSON.parse(vph('solve', ct, ...args, '--json').stdout);
    const two = JSON.parse(vph('solve', ct, ...args, '--threads', '2', '--json').stdout);
    expect(two.solver.backend).toBe('wasm (2 threads)');
    expect(two.solver.relativeResidual).toBeLessThanOrEqual(1e-8);
    // Both solutions are within about cond(K) * 1e-8 of the exact one.
    const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    expect(relative(two.results.stiffnessNPerMm, one.results.stiffnessNPerMm)).toBeLessThan(1e-5);
    expect(vph('solve', ct, ...args, '--threads', '0').errorLines).toEqual([
      "error: --threads: '0' is not a positive number",
    ]);
  });
});
