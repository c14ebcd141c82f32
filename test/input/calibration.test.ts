import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import {
  convertToDensity,
  fitPhantom,
  genericCalibration,
  parseLinearCalibration,
  readPhantomTable,
} from '../../input/calibration.js';
import { loadVertebraImage } from '../../input/loadVertebra.js';
import { writeNifti } from './niftiWriter.js';

const dir = mkdtempSync(join(tmpdir(), 'vph-cal-'));
const quiet = createLogger(true);

describe('linear calibration', () => {
  it('parses A,B and refuses anything else', () => {
    expect(parseLinearCalibration('-5, 0.8')).toEqual({
      kind: 'linear',
      interceptMgCm3: -5,
      slopeMgCm3PerHu: 0.8,
    });
    for (const bad of ['1', '1,2,3', 'a,b', '1,', '2,-0.5', '2,0']) {
      expect(() => parseLinearCalibration(bad)).toThrow(UserError);
    }
  });
});

describe('phantom fit', () => {
  it('fits by least squares (hand-computed: slope 17000/20000, intercept 250/3 - 85)', () => {
    const { calibration, warnings } = fitPhantom(
      [
        { hu: 0, densityMgCm3: 0 },
        { hu: 100, densityMgCm3: 80 },
        { hu: 200, densityMgCm3: 170 },
      ],
      'p.csv',
    );
    expect(calibration.slopeMgCm3PerHu).toBeCloseTo(0.85, 12);
    expect(calibration.interceptMgCm3).toBeCloseTo(-5 / 3, 12);
    // r = 17000 / sqrt(20000 * 43400 / 3)
    expect(calibration.r).toBeCloseTo(17000 / Math.sqrt((20000 * 43400) / 3), 12);
    expect(warnings).toEqual([]);
  });

  it('warns below r = 0.98 and refuses below 0.90', () => {
    // x mean 150, y mean 140: sxx 50000, sxy 49000, syy 57000 -> r = 0.9179.
    const poor = fitPhantom(
      [0, 100, 200, 300].map((hu, n) => ({ hu, densityMgCm3: [0, 120, 110, 330][n] })),
      'p.csv',
    );
    expect(poor.calibration.slopeMgCm3PerHu).toBeCloseTo(0.98, 12);
    expect(poor.calibration.interceptMgCm3).toBeCloseTo(-7, 10);
    expect(poor.calibration.r).toBeCloseTo(49000 / Math.sqrt(50000 * 57000), 12);
    expect(poor.warnings.join()).toMatch(/r = 0\.9179 is below 0\.98/);

    // sxy 35500, syy 57700 (y mean 152.5): r = 0.632.
    const bad = [0, 100, 200, 300].map((hu, n) => ({ hu, densityMgCm3: [0, 250, 60, 300][n] }));
    expect(() => fitPhantom(bad, 'p.csv')).toThrow(/r = 0\.632\d is below 0\.9/);
    expect(() => fitPhantom(bad.slice(0, 2), 'p.csv')).toThrow(/2 phantom inserts, at least 3/);
  });

  it('reads a CSV with a header, comments and semicolons', () => {
    const path = join(dir, 'phantom.csv');
    writeFileSync(path, 'HU,mg/cm3\n# water\n0;0\n\n100, 80\n200\t170\n');
    expect(readPhantomTable(path)).toEqual([
      { hu: 0, densityMgCm3: 0 },
      { hu: 100, densityMgCm3: 80 },
      { hu: 200, densityMgCm3: 170 },
    ]);
    writeFileSync(path, '0,0\n100,eighty\n');
    expect(() => readPhantomTable(path)).toThrow(/line 2 '100,eighty' is not/);
  });
});

describe('conversion and invalid voxels', () => {
  it('padding (<= -1500 HU) and non-finite values are flagged, never converted', () => {
    const values = [1000, -1500, -1499, NaN, Infinity, -3024, 0];
    const out = convertToDensity(values, parseLinearCalibration('-5,0.8'));
    expect(Array.from(out.invalid)).toEqual([0, 1, 0, 1, 1, 1, 0]);
    expect(Array.from(out.densityMgCm3)).toEqual([795, 0, Math.fround(-1204.2), 0, 0, 0, -5]);
    expect([out.nonFinite, out.padding]).toEqual([2, 2]);
  });
});

describe('calibration through loadVertebraImage', () => {
  // 5 x 5 x 5 float32 CT: a 3 x 3 x 3 cube of 1000 HU in the middle, -3024 padding in the first
  // slice, one NaN next to the cube, 0 HU elsewhere.
  const values = new Array(125).fill(0);
  for (let k = 1; k < 4; k++)
    for (let j = 1; j < 4; j++)
      for (let i = 1; i < 4; i++) {
        values[i + 5 * (j + 5 * k)] = 1000;
      }
  for (let n = 0; n < 25; n++) values[n] = -3024;
  values[4 + 5 * (2 + 5 * 2)] = NaN;
  const ct = writeNifti(join(dir, 'ct.nii'), {
    dim: [3, 5, 5, 5],
    datatype: 16,
    sformCode: 1,
    srow: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0],
    values,
  });

  it('--calibration A,B: bone at 1000 HU becomes A + 1000 B; invalid voxels counted', async () => {
    const loaded = await loadVertebraImage(
      { ctPath: ct, inputUnits: 'hu', calibration: [-5, 0.8], marginVoxels: 1 },
      quiet,
    );
    const { image, provenance } = loaded;
    expect(image.calibrated).toBe(true);
    expect(provenance.calibration.kind).toBe('linear');
    for (let n = 0; n < image.regions.length; n++) {
      if (image.regions[n] !== 0) expect(image.densityMgCm3[n]).toBe(795);
    }
    // The 5^3 crop holds the whole grid: 25 padding voxels, 1 NaN.
    expect(image.dims).toEqual([5, 5, 5]);
    expect(provenance.invalidVoxels).toEqual({ nonFinite: 1, padding: 25 });
    expect(image.invalid.reduce((a, b) => a + b, 0)).toBe(26);
    expect(loaded.warnings.join()).toMatch(/1 non-finite and 25 padding voxels/);
  });

  it('no calibration: the generic line, calibrated false and a loud warning', async () => {
    const loaded = await loadVertebraImage({ ctPath: ct, inputUnits: 'hu' }, quiet);
    expect(loaded.image.calibrated).toBe(false);
    expect(loaded.provenance.calibration).toEqual(genericCalibration);
    expect(loaded.warnings.join()).toMatch(/NO CALIBRATION/);
  });

  it('--phantom: fitted line and r in the provenance; density input: identity', async () => {
    const table = join(dir, 'inserts.csv');
    writeFileSync(table, '0,0\n100,80\n200,170\n');
    const fitted = await loadVertebraImage(
      { ctPath: ct, inputUnits: 'hu', phantomPath: table },
      quiet,
    );
    expect(fitted.provenance.calibration.kind).toBe('phantom');
    expect(fitted.provenance.calibration.r).toBeGreaterThan(0.999);
    expect(fitted.provenance.files.map((f) => f.role)).toEqual(['ct', 'phantom']);
    const bone = fitted.image.regions.indexOf(7);
    expect(fitted.image.densityMgCm3[bone]).toBeCloseTo(850 - 5 / 3, 3);

    const density = await loadVertebraImage({ ctPath: ct, inputUnits: 'density' }, quiet);
    expect(density.provenance.calibration.kind).toBe('density');
    expect(density.image.densityMgCm3[density.image.regions.indexOf(7)]).toBe(1000);
    expect(density.provenance.invalidVoxels.padding).toBe(0);
  });

  it('conflicting options are one-line user errors', async () => {
    const cases: [object, RegExp][] = [
      [{ calibration: [0, 1], phantomPath: 'x.csv' }, /--calibration and --phantom/],
      [{ inputUnits: 'density', calibration: [0, 1] }, /already calibrated, drop --calibration/],
      [{ level: 'L2' }, /--level needs --mask/],
    ];
    for (const [extra, pattern] of cases) {
      const work = loadVertebraImage({ ctPath: ct, inputUnits: 'hu', ...extra }, quiet);
      await expect(work).rejects.toThrow(pattern);
      await expect(work).rejects.toBeInstanceOf(UserError);
    }
  });
});
