import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const vph = ['--import', 'tsx', 'cli/vph.ts'];
const totalseg = [
  'data/totalseg-lumbar/ct.nii.gz',
  '--mask',
  'data/totalseg-lumbar/labels.nii.gz',
  '--level',
  'L3',
];

describe('vph mesh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vph-mesh-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a .vtu, a CalculiX deck that runs, and a report consistent with both', () => {
    const out = join(dir, 'l3');
    const stdout = execFileSync(
      'node',
      [...vph, 'mesh', ...totalseg, '--out', out, '--element-size', '4', '--quiet'],
      { encoding: 'utf8' },
    );
    expect(stdout).toMatch(/^inverted\s+0$/m);
    expect(stdout).toMatch(/^axis\s+\(/m);
    expect(stdout).toMatch(/^dihedral angles\s+[\d.]+ \.\. [\d.]+ deg$/m);

    const report = JSON.parse(readFileSync(join(out, 'mesh.json'), 'utf8'));
    const vtu = readFileSync(join(out, 'model.vtu'), 'utf8');
    const piece = /NumberOfPoints="(\d+)" NumberOfCells="(\d+)"/.exec(vtu)!;
    expect(Number(piece[1])).toBe(report.quality.nodeCount);
    expect(Number(piece[2])).toBe(report.quality.elementCount);
    for (const name of ['region', 'modulus (MPa)', 'density (mg/cm3)']) {
      expect(vtu).toContain(`Name="${name}"`);
    }

    // CalculiX solves the deck; the reactions balance and the loaded face is compressed
    execFileSync('ccx', ['-i', 'model'], { cwd: out, stdio: 'pipe' });
    const dat = readFileSync(join(out, 'model.dat'), 'utf8');
    const totals = [
      ...dat.matchAll(/total force \(fx,fy,fz\) for set (\w+)[^\n]*\n\s*\n([^\n]+)/g),
    ];
    const force = Object.fromEntries(
      totals.map((m) => [m[1], m[2].trim().split(/\s+/).map(Number)]),
    );
    const axis: number[] = report.model.axis;
    const axial = -axis.reduce((sum, a, d) => sum + a * force.LOADED[d], 0);
    expect(axial).toBeGreaterThan(0);
    for (let d = 0; d < 3; d++) {
      expect(Math.abs(force.LOADED[d] + force.FIXED[d])).toBeLessThan(1e-6 * axial);
    }
    const inp = readFileSync(join(out, 'model.inp'), 'utf8');
    expect((inp.match(/^\*MATERIAL/gm) ?? []).length).toBe(report.inp.materialCount);
    expect(report.inp.materialCount).toBeLessThanOrEqual(256);
  });

  it('answers user mistakes with one line and exit code 1', () => {
    const noOut = spawnSync('node', [...vph, 'mesh', ...totalseg], { encoding: 'utf8' });
    expect(noOut.status).toBe(1);
    expect(noOut.stderr.trim()).toBe('error: --out: an output folder is required');

    const badLaw = spawnSync('node', [...vph, 'mesh', ...totalseg, '--out', dir, '--law', 'x'], {
      encoding: 'utf8',
    });
    expect(badLaw.status).toBe(1);
    expect(badLaw.stderr.trim()).toMatch(/^error: --law: 'x' is not one of morgan2003-vertebra/);
  });
});
