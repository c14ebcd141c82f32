/**
 * `vph solve` end to end on both real samples at coarse element sizes (the README's numbers
 * come from test/solver/refinementStudy.ts at h = 1 mm and finer), plus its failure modes.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { physiologicalLoadN } from '../../solver/post/physiologicalLoads.js';

const verse = 'data/verse004-L2';
const totalseg = 'data/totalseg-lumbar';
const work = mkdtempSync(join(tmpdir(), 'vph-solve-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function vph(args: string[]) {
  const run = spawnSync('npx', ['tsx', 'cli/vph.ts', 'solve', ...args], { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('vph solve on the VerSe L2 sample', () => {
  const out = join(work, 'verse');
  const args = [
    `${verse}/density.nii.gz`,
    `--mask=${verse}/labels.nii.gz`,
    '--input-units=density',
    '--element-size=3',
    '--backend=js',
    '--load-level=L2',
    '--activity=flexion',
    '--body-mass=84',
    `--out=${out}`,
  ];

  it('writes report.json, result.vtu and result.svg with independently checked figures', () => {
    const run = vph([...args, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const report: Json = JSON.parse(run.stdout);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).toEqual(report);
    expect(readdirSync(out).sort()).toEqual(['report.json', 'result.svg', 'result.vtu']);
    for (const stage of ['read', 'mesh', 'material', 'assemble', 'solve', 'post']) {
      expect(run.stderr).toMatch(new RegExp(`^${stage}\\s`, 'm'));
    }

    expect(report.schema).toBe('metastra-vph/report@1');
    const files = report.input.files as Array<{ path: string; sha256: string }>;
    for (const file of files) expect(file.sha256).toBe(sha256(file.path));
    expect(report.parameters.failureCriterion.compressiveYieldStrain).toBe(0.0077);
    expect(report.solver.relativeResidual).toBeLessThanOrEqual(1e-8);
    expect(report.solver.backend).toBe('js');

    // Mean density of label 1 by an independent NIfTI reading in python.
    const reference = spawnSync(
      'python3',
      ['test/cli/reference_bmd.py', `${verse}/density.nii.gz`, `${verse}/labels.nii.gz`, '1'],
      { encoding: 'utf8' },
    );
    const [mean, count] = reference.stdout.trim().split(' ').map(Number);
    const r = report.results;
    expect(r.trabecularVoxels).toBe(count);
    expect(Math.abs(r.trabecularBmdMgCm3 - mean) / mean).toBeLessThan(1e-6);

    // Linear relations between the figures, and equilibrium of the two faces.
    expect(r.stiffnessNPerMm).toBeCloseTo(Math.abs(r.reactionForceN) / r.appliedDisplacementMm, 6);
    expect(r.appliedDisplacementMm).toBeCloseTo(0.002 * r.heightMm, 12);
    expect(
      Math.abs(r.reactionForceN + r.reactionForceFixedN) / Math.abs(r.reactionForceN),
    ).toBeLessThan(1e-5);
    expect(r.failureLoadN).toBeCloseTo(Math.abs(r.reactionForceN) / r.criticalStrainRatio, 6);
    const lsr = r.loadToStrength;
    expect(lsr.loadN).toBeCloseTo(physiologicalLoadN('L2', 'flexion', 84), 9);
    expect(lsr.ratio).toBeCloseTo(lsr.loadN / r.failureLoadN, 12);

    // Plausibility (whole lumbar vertebra with cement caps): kN/mm stiffness, kN failure load.
    expect(r.stiffnessNPerMm).toBeGreaterThan(5e3);
    expect(r.stiffnessNPerMm).toBeLessThan(1e5);
    expect(r.failureLoadN).toBeGreaterThan(1e3);
    expect(r.failureLoadN).toBeLessThan(2e4);

    const vtu = readFileSync(join(out, 'result.vtu'), 'utf8');
    for (const name of [
      'displacement_mm',
      'strain',
      'principal_strain',
      'modulus_MPa',
      'density_mg_cm3',
      'failure_ratio',
    ]) {
      expect(vtu).toContain(`Name="${name}"`);
    }

    const svg = readFileSync(join(out, 'result.svg'), 'utf8');
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain(`failure load ${(r.failureLoadN / 1000).toFixed(3)} kN`);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('prints the results table without --json', () => {
    const run = vph(args.filter((a) => !a.startsWith('--out')));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^stiffness\s+[\d.]+ kN\/mm$/m);
    expect(run.stdout).toMatch(/^failure load\s+[\d.]+ kN$/m);
    expect(run.stdout).toMatch(/UNCALIBRATED/);
  });
});

const hasWasm = existsSync('wasm/pkg/vph_kernel.wasm');

describe.skipIf(!hasWasm)('vph solve backends', () => {
  it('gives the same stiffness and failure load with the js and wasm backends', () => {
    const common = [
      `${verse}/density.nii.gz`,
      `--mask=${verse}/labels.nii.gz`,
      '--input-units=density',
      '--element-size=3',
      '--tolerance=1e-10',
      '--json',
    ];
    const results = ['js', 'wasm'].map((backend) => {
      const run = vph([...common, `--backend=${backend}`]);
      expect(run.status, run.stderr).toBe(0);
      return JSON.parse(run.stdout).results;
    });
    const [js, wasm] = results;
    expect(Math.abs(js.stiffnessNPerMm - wasm.stiffnessNPerMm) / js.stiffnessNPerMm).toBeLessThan(
      1e-8,
    );
    expect(Math.abs(js.failureLoadN - wasm.failureLoadN) / js.failureLoadN).toBeLessThan(1e-6);
  });
});

describe('vph solve on the TotalSegmentator lumbar spine', () => {
  it('solves L1..L5 with generated caps', () => {
    for (const level of ['L1', 'L2', 'L3', 'L4', 'L5']) {
      const run = vph([
        `${totalseg}/ct.nii.gz`,
        `--mask=${totalseg}/labels.nii.gz`,
        `--level=${level}`,
        '--element-size=3',
        '--backend=js',
        '--json',
      ]);
      expect(run.status, `${level}: ${run.stderr}`).toBe(0);
      const r: Json = JSON.parse(run.stdout).results;
      expect(r.loadToStrength.level).toBe(level);
      expect(r.stiffnessNPerMm).toBeGreaterThan(5e3);
      expect(r.stiffnessNPerMm).toBeLessThan(1e5);
      expect(r.failureLoadN).toBeGreaterThan(1e3);
      expect(r.failureLoadN).toBeLessThan(3e4);
      expect(r.trabecularBmdSource).toBe('body voxels eroded by 2 mm');
    }
  });
});

describe('vph solve failures', () => {
  it('names a bad option in one line, exit code 1', () => {
    const run = vph([`${verse}/density.nii.gz`, '--backend=cuda']);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      "error: --backend: 'cuda' is not one of auto, js, wasm, gpu",
    ]);
  });

  it('writes nothing that looks like a result when the solve fails', () => {
    const out = join(work, 'failed');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'report.json'), '{"stale": true}');
    const run = vph([
      `${verse}/density.nii.gz`,
      `--mask=${verse}/labels.nii.gz`,
      '--input-units=density',
      '--element-size=3',
      '--backend=js',
      '--max-iterations=5',
      `--out=${out}`,
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/PCG max-iterations at iteration 5/);
    expect(existsSync(join(out, 'report.json'))).toBe(false);
    expect(readdirSync(out)).toEqual([]);
  });
});
