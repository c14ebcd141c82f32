import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors.js';
import { parseInputArgs } from '../../input/inputArgs.js';

describe('parseInputArgs', () => {
  it('fills LoadOptions from flags', () => {
    const { options, extra } = parseInputArgs(
      [
        'ct.nii.gz',
        '--mask',
        'seg.nii.gz',
        '--level',
        'l3',
        '--labels',
        'TotalSeg',
        '--calibration',
        '-2.5,0.75',
        '--volume',
        '1',
        '--out',
        'dir',
      ],
      { out: { type: 'string' } },
    );
    expect(options).toEqual({
      ctPath: 'ct.nii.gz',
      maskPath: 'seg.nii.gz',
      level: 'L3',
      label: undefined,
      labels: 'totalseg',
      calibration: [-2.5, 0.75],
      phantomPath: undefined,
      inputUnits: 'hu',
      threshold: undefined,
      volumeIndex: 1,
    });
    expect(extra).toEqual({ out: 'dir' });
  });

  it('density input, threshold and raw label', () => {
    const { options } = parseInputArgs([
      'v.nii',
      '--input-units',
      'density',
      '--threshold',
      '150.5',
    ]);
    expect(options.inputUnits).toBe('density');
    expect(options.threshold).toBe(150.5);
    expect(parseInputArgs(['v.nii', '--mask', 'm.nii', '--label', '29']).options.label).toBe(29);
  });

  it('every mistake is a one-line UserError naming the flag and value', () => {
    const cases: [string[], RegExp][] = [
      [[], /expected one image FILE/],
      [['a.nii', 'b.nii'], /got a\.nii b\.nii/],
      [['a.nii', '--bogus'], /bogus/],
      [['a.nii', '--input-units', 'kg'], /--input-units: 'kg'/],
      [['a.nii', '--label', '2.5'], /--label: '2\.5' is not an integer/],
      [['a.nii', '--volume', '-1'], /--volume: '-1'/],
      [['a.nii', '--threshold', 'high'], /--threshold: 'high' is not a number/],
      [['a.nii', '--level', 'X2'], /--level: 'X2' is not a spinal level/],
      [['a.nii', '--labels', 'nnunet'], /--labels: 'nnunet'/],
      [['a.nii', '--calibration', '3'], /--calibration: '3'/],
    ];
    for (const [args, pattern] of cases) {
      let error: unknown;
      try {
        parseInputArgs(args);
      } catch (thrown) {
        error = thrown;
      }
      expect(error, args.join(' ')).toBeInstanceOf(UserError);
      expect((error as Error).message).toMatch(pattern);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
