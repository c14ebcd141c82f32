/**
 * Careless and hostile use of `vph`: every case here once broke the command-line contract (one
 * line naming the file or flag and the value, exit code 1, no result left in --out) and is kept
 * so that it stays mended.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../core/paths.js';
import { runVph } from './runVph.js';
import { niftiBytes } from '../input/niftiWriter.js';

const vph = runVph;

const ct = projectPath('data', 'totalseg-lumbar', 'ct.nii.gz');
const labels = projectPath('data', 'totalseg-lumbar', 'labels.nii.gz');
const verseDensity = projectPath('data', 'verse004-L2', 'density.nii.gz');
const verseLabels = projectPath('data', 'verse004-L2', 'labels.nii.gz');
const scratch = () => mkdtempSync(join(tmpdir(), 'vph-robust-'));

/**
 * The TotalSegmentator CT and labels (NIfTI-1, vox_offset 352, 122 x 101 x 112) from slice `z0`
 * up: both keep the same header otherwise, so they stay on one grid.
 */
function cutFromSlice(z0: number): { ct: string; labels: string } {
  const dir = scratch();
  const cut = (source: string, bytesPerVoxel: number, name: string) => {
    const bytes = gunzipSync(readFileSync(source));
    const header = Buffer.from(bytes.subarray(0, 352));
    header.writeInt16LE(112 - z0, 46);
    const data = bytes.subarray(352 + z0 * 122 * 101 * bytesPerVoxel);
    const path = join(dir, name);
    writeFileSync(path, Buffer.concat([header, data]));
    return path;
  };
  return { ct: cut(ct, 4, 'ct.nii'), labels: cut(labels, 1, 'labels.nii') };
}

describe('vph on careless input', () => {
  it('--out naming a file is a one-line user error, before any work', () => {
    const file = join(scratch(), 'taken.txt');
    writeFileSync(file, 'not a folder\n');
    for (const command of ['solve', 'mesh']) {
      const run = vph(command, ct, '--mask', labels, '--level', 'L3', '--out', file);
      expect(run.code).toBe(1);
      expect(run.errorLines).toEqual([
        `error: --out: '${file}' is not a folder: ${file} is a file`,
      ]);
      expect(run.stderr).not.toMatch(/^read /m);
    }
  });

  it('--out where no folder can be made (under /proc) fails at once instead of hanging', () => {
    const run = vph('solve', ct, '--mask', labels, '--level', 'L3', '--out', '/proc/vph-out');
    expect(run.code).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toMatch(/^error: --out: '\/proc\/vph-out' is not a writable folder/);
  });

  it('a failed vph mesh leaves no model files from an earlier run in --out', () => {
    const out = scratch();
    const stale = ['model.vtu', 'model.inp', 'mesh.json'].map((name) => join(out, name));
    for (const path of stale) writeFileSync(path, 'earlier run\n');
    const run = vph('mesh', ct, '--mask', labels, '--level', 'L6', '--out', out);
    expect(run.code).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toMatch(/labels\.nii\.gz: no label for L6/);
    for (const path of stale) expect(existsSync(path)).toBe(false);
  });

  it('a gzip file whose header announces 40 GB names the dims, not a corrupt stream', () => {
    // 30000 x 30000 x 11 int32 = 3.96e10 bytes; the file holds a 2x2x1 volume.
    const bytes = niftiBytes({ dim: [3, 30000, 30000, 11], datatype: 8, values: [1, 2, 3, 4] });
    const path = join(scratch(), 'huge.nii.gz');
    writeFileSync(path, gzipSync(bytes));
    const run = vph('info', path);
    expect(run.code).toBe(1);
    expect(run.errorLines).toEqual([
      `error: ${path}: dim gives ${30000 * 30000 * 11 * 4} bytes of voxel data, ` +
        `above the ${4 * 1024 ** 3} limit`,
    ]);
  });

  it("--out '' is refused, not taken as the working folder", () => {
    for (const command of ['solve', 'mesh']) {
      const run = vph(command, ct, '--mask', labels, '--level', 'L3', '--out', '');
      expect(run.code).toBe(1);
      expect(run.errorLines).toEqual(["error: --out: '' is not a folder name"]);
    }
  });

  it('a .nii.gz with its gzip trailer cut or its CRC-32 wrong is refused, not read', () => {
    const whole = readFileSync(ct);
    const dir = scratch();
    const cut = join(dir, 'cut.nii.gz');
    writeFileSync(cut, whole.subarray(0, whole.byteLength - 8));
    const flipped = Buffer.from(whole);
    flipped[flipped.byteLength - 6] ^= 0xff;
    const bad = join(dir, 'crc.nii.gz');
    writeFileSync(bad, flipped);

    const cutRun = vph('info', cut);
    expect(cutRun.code).toBe(1);
    // 122 x 101 x 112 int32 after a 352-byte header: 5520608 bytes of content.
    expect(cutRun.errorLines).toHaveLength(1);
    expect(cutRun.errorLines[0]).toMatch(/gzip trailer gives .* inflates to 5520608: truncated/);
    const crcRun = vph('info', bad);
    expect(crcRun.code).toBe(1);
    expect(crcRun.errorLines).toHaveLength(1);
    expect(crcRun.errorLines[0]).toMatch(/crc\.nii\.gz: gzip CRC-32 is [0-9a-f]+ but .* corrupt$/);
  });

  it('--element-size 60 (coarser than the vertebra) is a user error, not a failed solve', () => {
    const run = vph('solve', ct, '--mask', labels, '--level', 'L3', '--element-size', '60');
    expect(run.code).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    // L3 spans slices 65..79 (15 x 3 mm = 45 mm of label); the caps lie about that far apart.
    const match = run.errorLines[0].match(
      new RegExp(
        "element size 60 mm is over a third of the vertebra's height " +
          '\\(([\\d.]+) mm between the caps\\): use at most ([\\d.]+) mm$',
      ),
    );
    expect(match).not.toBeNull();
    const height = Number(match![1]);
    expect(height).toBeGreaterThan(35);
    expect(height).toBeLessThan(55);
    expect(Number(match![2])).toBeCloseTo(height / 3, 1);
  });

  it('--load-level X9 is refused even when the mask names the level', () => {
    const run = vph('solve', ct, '--mask', labels, '--level', 'L3', '--load-level', 'x9');
    expect(run.code).toBe(1);
    expect(run.errorLines).toEqual([
      "error: --load-level: 'X9' is not a level with loads (T1..L5)",
    ]);
  });

  it('--element-size 0.05 is refused with the smallest size that fits, not out of memory', () => {
    const run = vph('solve', ct, '--mask', labels, '--level', 'L3', '--element-size', '0.05');
    expect(run.code).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    const match = run.errorLines[0].match(
      new RegExp(
        'element size 0\\.0500 mm: meshing the (\\d+) x (\\d+) x (\\d+) mm box needs .* ' +
          'use at least ([\\d.]+) mm$',
      ),
    );
    expect(match).not.toBeNull();
    // The L3 label spans about 40 x 36 x 21 voxels of 3 mm plus caps: a box of roughly 120 mm.
    const box = match!.slice(1, 4).map(Number);
    for (const side of box) expect(side).toBeGreaterThan(50);
    for (const side of box) expect(side).toBeLessThan(200);
    // A BCC lattice of spacing s = h / 0.9235 has about 2 (L / s)^3 vertices (corners and centres):
    // at the suggested size it should hold about 2^23 of them (the limit), within the padding.
    const size = Number(match![4]);
    const spacing = size / ((6 + 8 * (Math.sqrt(3) / 2)) / 14);
    const vertices = 2 * box.reduce((product, side) => product * (side / spacing), 1);
    expect(vertices).toBeGreaterThan(0.7 * 2 ** 23);
    expect(vertices).toBeLessThan(1.05 * 2 ** 23);
  });
});

describe('vph with the wrong mask', () => {
  it("a mask on another grid that misses the CT says so, not 'empty label map'", () => {
    // From the headers: the VerSe crop's first axis points left from qoffset x = -250.8 mm, so
    // it spans x -251..-350 mm; the TotalSegmentator CT spans x -178..185 mm: no overlap.
    const run = vph('solve', ct, '--mask', verseLabels, '--label', '1');
    expect(run.code).toBe(1);
    expect(run.errorLines).toEqual([
      `error: ${verseLabels}: on another grid than the CT (dims 100x89x74) and none of its ` +
        "labelled voxels falls inside the CT's volume: not a mask of this scan",
    ]);
  });

  it('the CT given as its own --mask is refused by name', () => {
    const run = vph('solve', ct, '--mask', ct, '--level', 'L3');
    expect(run.code).toBe(1);
    expect(run.errorLines).toEqual([
      `error: --mask: '${ct}' is the image itself, not its label map`,
    ]);
  });

  it('a CT copy given as --mask is refused in one short line, not a list of 4000 labels', () => {
    const copy = join(scratch(), 'copy.nii.gz');
    writeFileSync(copy, readFileSync(ct));
    const run = vph('solve', ct, '--mask', copy, '--level', 'L3');
    expect(run.code).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    // The first voxel of the CT is air: -1023 HU (read with python from the file).
    expect(run.errorLines[0]).toBe(
      `error: ${copy}: voxel 0 holds -1023: labels are >= 0 (is this the CT?)`,
    );
  });

  it('a vertebra cut by the edge of the scan is a user error naming the cap, not exit 2', () => {
    // L3 (label 29) spans slices 65..79; cutting at slice 72 leaves its upper half.
    const cut = cutFromSlice(72);
    const out = scratch();
    const run = vph(
      'solve',
      cut.ct,
      '--mask',
      cut.labels,
      '--level',
      'L3',
      '--element-size',
      '3',
      '--out',
      out,
    );
    expect(run.code).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toMatch(
      /ct\.nii: inferior cap [\d.]+ mm short of its plane: .* reaches the inferior edge/,
    );
    expect(run.stderr).toMatch(/the vertebra touches the volume border/);
    expect(existsSync(join(out, 'report.json'))).toBe(false);
  });
});

describe('vph on a scan read in the wrong units', () => {
  it('a header in metres (3 m voxels) is refused before meshing, with the units named', () => {
    const bytes = Buffer.from(gunzipSync(readFileSync(ct)));
    bytes.writeUInt8(1, 123); // xyzt_units: 1 = metres; the sform still says 3 per voxel
    const path = join(scratch(), 'metres.nii');
    writeFileSync(path, bytes);
    const run = vph('solve', path, '--mask', labels, '--level', 'L3');
    expect(run.code).toBe(1);
    expect(run.errorLines).toEqual([
      `error: ${path}: voxel sizes 3000 x 3000 x 3000 mm are outside 0.05..10 mm ` +
        '(xyzt_units m): wrong units or transform in the header',
    ]);
  });

  it('an HU image given --input-units density warns that it looks like HU', () => {
    const out = join(scratch(), 'mesh');
    mkdirSync(out);
    const run = vph(
      'mesh',
      ct,
      '--mask',
      labels,
      '--level',
      'L3',
      '--input-units',
      'density',
      '--element-size',
      '3',
      '--out',
      out,
    );
    expect(run.code).toBe(0);
    // The README gives this CT a range of about -1200..3400 HU; its minimum is -1207.
    expect(run.stderr).toMatch(
      /ct\.nii\.gz: values reach -1207 with --input-units density, .* looks like HU/,
    );
  });

  it('a density image read as HU (the default) warns that it may already be density', () => {
    const out = join(scratch(), 'mesh');
    const run = vph(
      'mesh',
      verseDensity,
      '--mask',
      verseLabels,
      '--element-size',
      '3',
      '--out',
      out,
    );
    expect(run.code).toBe(0);
    // Outside its labels the VerSe density image is exactly 0: no voxel of air or fat.
    expect(run.stderr).toMatch(
      /density\.nii\.gz: only 0\.00 % of voxels below -200 HU .* --input-units density/,
    );
    const ok = vph(
      'mesh',
      verseDensity,
      '--mask',
      verseLabels,
      '--input-units',
      'density',
      '--element-size',
      '3',
      '--out',
      out,
    );
    expect(ok.code).toBe(0);
    expect(ok.stderr).not.toMatch(/--input-units/);
  });
});
