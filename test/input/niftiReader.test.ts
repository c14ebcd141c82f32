import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors.js';
import { readNifti } from '../../input/niftiFile.js';
import { parseNiftiHeader } from '../../input/niftiHeader.js';
import { niftiBytes, writeNifti, type TestNifti } from './niftiWriter.js';

const dir = mkdtempSync(join(tmpdir(), 'vph-nifti-'));
let fileCount = 0;
const file = (ext = '.nii') => join(dir, `f${fileCount++}${ext}`);

const samples: [number, string, number[]][] = [
  [2, 'uint8', [0, 255, 7, 128]],
  [256, 'int8', [-128, 127, 0, -1]],
  [4, 'int16', [-32768, 32767, -1000, 3]],
  [512, 'uint16', [0, 65535, 40000, 1]],
  [8, 'int32', [-(2 ** 31), 2 ** 31 - 1, -3024, 5]],
  [768, 'uint32', [0, 2 ** 32 - 1, 3000000000, 2]],
  [16, 'float32', [1.5, -2.25, 1024.125, -0.5]],
  [64, 'float64', [Math.PI, -1e-300, 1e300, -7.25]],
];

function expectUserError(action: () => unknown, pattern: RegExp) {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(UserError);
  const message = (thrown as Error).message;
  expect(message).toMatch(pattern);
  expect(message).not.toContain('\n');
}

describe('readNifti: formats, byte orders, datatypes', () => {
  for (const version of [1, 2] as const) {
    for (const littleEndian of [true, false]) {
      for (const ext of ['.nii', '.nii.gz']) {
        it(`NIfTI-${version} ${littleEndian ? 'LE' : 'BE'} ${ext}: every datatype`, () => {
          for (const [datatype, name, values] of samples) {
            const path = writeNifti(file(ext), {
              version,
              littleEndian,
              dim: [3, 2, 2, 1],
              datatype,
              values,
            });
            const image = readNifti(path);
            expect(image.datatypeName).toBe(name);
            expect(image.header.version).toBe(version);
            expect(image.header.littleEndian).toBe(littleEndian);
            expect(image.dims).toEqual([2, 2, 1]);
            expect(Array.from(image.values)).toEqual(values);
          }
        });
      }
    }
  }

  it('refuses RGB and complex data with a one-line error', () => {
    const rgb = writeNifti(file(), {
      dim: [3, 1, 1, 1],
      datatype: 128,
      rawData: new Uint8Array([1, 2, 3]),
    });
    expectUserError(() => readNifti(rgb), /datatype 128 is RGB/);
    const complex = writeNifti(file('.nii.gz'), {
      dim: [3, 1, 1, 1],
      datatype: 32,
      rawData: new Uint8Array(8),
    });
    expectUserError(() => readNifti(complex), /datatype 32 is complex/);
  });

  it('refuses a bitpix that does not match the datatype, and a bad magic', () => {
    const path = writeNifti(file(), { dim: [3, 1, 1, 1], datatype: 4, bitpix: 8, values: [1] });
    expectUserError(() => readNifti(path), /bitpix is 8 but datatype int16 needs 16/);
    const pair = writeNifti(file(), { dim: [3, 1, 1, 1], datatype: 2, values: [1], magic: 'ni1' });
    expectUserError(() => readNifti(pair), /\.hdr\/\.img pair/);
    const junk = file();
    writeFileSync(junk, new Uint8Array(400));
    expectUserError(() => readNifti(junk), /not a NIfTI file/);
  });

  it('agrees with nifti-reader-js on the fields it reads correctly', () => {
    for (const version of [1, 2] as const) {
      const bytes = niftiBytes({
        version,
        dim: [3, 4, 3, 2],
        datatype: 16,
        pixdim: [-1, 0.5, 0.75, 2],
        sclSlope: 2,
        sclInter: -1024,
        qformCode: 1,
        quatern: [0, 0, 1],
        qoffset: [10, -20, 30],
        values: new Array(24).fill(0),
      });
      const mine = parseNiftiHeader(bytes, 'x.nii');
      const theirs = nifti.readHeader(bytes.slice().buffer)!;
      expect(mine.dim).toEqual(theirs.dims);
      expect(mine.datatype).toBe(theirs.datatypeCode);
      expect(mine.pixdim).toEqual(theirs.pixDims);
      expect(mine.sclSlope).toBe(theirs.scl_slope);
      expect(mine.sclInter).toBe(theirs.scl_inter);
      expect(mine.voxOffset).toBe(theirs.vox_offset);
      expect([mine.qformCode, mine.sformCode]).toEqual([theirs.qform_code, theirs.sform_code]);
    }
  });
});

describe('cases nifti-reader-js gets wrong', () => {
  it('big-endian NIfTI-2 64-bit fields above 2^31', () => {
    const bytes = niftiBytes({
      version: 2,
      littleEndian: false,
      dim: [3, 2 ** 31 + 5, 1, 1],
      datatype: 2,
      values: [1],
    });
    expect(parseNiftiHeader(bytes, 'x.nii').dim.slice(0, 4)).toEqual([3, 2 ** 31 + 5, 1, 1]);
  });
});

describe('readNifti: scaling', () => {
  it('applies scl_slope and scl_inter', () => {
    const path = writeNifti(file(), {
      dim: [3, 3, 1, 1],
      datatype: 4,
      sclSlope: 0.5,
      sclInter: -1024,
      values: [0, 2048, 100],
    });
    const image = readNifti(path);
    expect(Array.from(image.values)).toEqual([-1024, 0, -974]);
    expect(image.scaling).toEqual({ slope: 0.5, intercept: -1024 });
  });

  it('slope 0 or NaN means no scaling', () => {
    for (const slope of [0, NaN]) {
      const path = writeNifti(file(), {
        dim: [3, 2, 1, 1],
        datatype: 4,
        sclSlope: slope,
        sclInter: 100,
        values: [5, -7],
      });
      const image = readNifti(path);
      expect(Array.from(image.values)).toEqual([5, -7]);
      expect(image.scaling).toBeUndefined();
    }
  });
});

describe('readNifti: sizes are checked against the data present', () => {
  const spec: TestNifti = { dim: [3, 4, 4, 4], datatype: 4, values: new Array(64).fill(1) };

  it('a truncated .nii and .nii.gz are errors', () => {
    const bytes = niftiBytes(spec);
    const cut = file();
    writeFileSync(cut, bytes.subarray(0, bytes.byteLength - 10));
    expectUserError(() => readNifti(cut), /announces 480 bytes .* holds 470: truncated/);
    const cutGz = file('.nii.gz');
    writeFileSync(cutGz, gzipSync(bytes.subarray(0, bytes.byteLength - 10)));
    expectUserError(() => readNifti(cutGz), /announces 480 bytes .* holds 470: truncated/);
  });

  it('a header announcing billions of voxels in a small file fails without allocating them', () => {
    for (const ext of ['.nii', '.nii.gz']) {
      const path = writeNifti(file(ext), {
        dim: [3, 30000, 30000, 1],
        datatype: 2,
        values: new Array(64).fill(3),
      });
      const before = process.memoryUsage().arrayBuffers;
      expectUserError(() => readNifti(path), /announces 900000352 bytes .* truncated/);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(100e6);
    }
    const huge = writeNifti(file('.nii.gz'), {
      version: 2,
      dim: [3, 2e6, 2e6, 2e6],
      datatype: 2,
      values: [1],
    });
    expectUserError(() => readNifti(huge), /above the \d+ limit/);
  });

  it('a gzip that inflates past the announced size is cut there', () => {
    const bytes = niftiBytes(spec);
    const padded = new Uint8Array(bytes.byteLength + 1000);
    padded.set(bytes);
    const path = file('.nii.gz');
    writeFileSync(path, gzipSync(padded));
    expect(readNifti(path).values.length).toBe(64);
  });

  it('zero or negative dims are errors; dimensions 5..7 above 1 are refused', () => {
    const zero = writeNifti(file(), { dim: [3, 4, 0, 4], datatype: 2, values: [] });
    expectUserError(() => readNifti(zero), /dim\[2\] is 0/);
    const five = writeNifti(file(), { dim: [5, 1, 1, 1, 1, 2], datatype: 2, values: [1, 2] });
    expectUserError(() => readNifti(five), /dim\[5\] is 2: 5-D/);
  });
});

describe('readNifti: 4-D files', () => {
  const fourD = (count: number) =>
    writeNifti(file(), {
      dim: [4, 2, 1, 1, count],
      datatype: 4,
      values: Array.from({ length: 2 * count }, (_, n) => 10 * n),
    });

  it('accepts one volume', () => {
    expect(Array.from(readNifti(fourD(1)).values)).toEqual([0, 10]);
  });

  it('several volumes need --volume; the chosen one is read', () => {
    const path = fourD(3);
    expectUserError(() => readNifti(path), /dim\[4\] is 3 volumes: choose one with --volume/);
    expect(Array.from(readNifti(path, { volumeIndex: 2 }).values)).toEqual([40, 50]);
    expectUserError(() => readNifti(path, { volumeIndex: 3 }), /--volume 3 is outside 0\.\.2/);
  });
});
