import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeVtu } from '../../meshing/vtu.js';
import { kuhnBox } from './fixtures.js';

// An independent reader: python's XML parser and base64, numpy for the values. It checks the
// structure VTK expects (UnstructuredGrid, binary inline arrays with a UInt32 byte count) and
// prints every array back as JSON.
const reader = String.raw`
import sys, json, base64, struct, xml.etree.ElementTree as ET
import numpy as np
root = ET.parse(sys.argv[1]).getroot()
assert root.get('type') == 'UnstructuredGrid' and root.get('header_type') == 'UInt32'
assert root.get('byte_order') == 'LittleEndian'
piece = root.find('UnstructuredGrid/Piece')
dtypes = {'Float64': '<f8', 'Float32': '<f4', 'Int32': '<i4', 'UInt8': 'u1'}
out = {'points': int(piece.get('NumberOfPoints')), 'cells': int(piece.get('NumberOfCells'))}
for section in ('PointData', 'CellData', 'Points', 'Cells'):
    for a in piece.find(section).findall('DataArray'):
        assert a.get('format') == 'binary'
        raw = base64.b64decode(a.text.strip())
        (count,) = struct.unpack('<I', raw[:4])
        assert count == len(raw) - 4, (count, len(raw))
        values = np.frombuffer(raw[4:], dtype=dtypes[a.get('type')])
        out[section + '/' + a.get('Name')] = {
            'components': int(a.get('NumberOfComponents')), 'values': values.tolist()}
print(json.dumps(out))
`;

describe('writeVtu', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vph-vtu-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a VTK XML unstructured grid that an independent parser reads back', () => {
    const mesh = kuhnBox([2, 1, 1], [1, 2, 3], [10, 20, 30]);
    const nodeCount = mesh.nodes.length / 3;
    const tetCount = mesh.tets.length / 4;
    const displacement = new Float64Array(3 * nodeCount).map((_, i) => 0.001 * i);
    const region = new Uint8Array(tetCount).map((_, e) => (e % 2 ? 1 : 5));
    const modulus = new Float32Array(tetCount).map((_, e) => 100 + e);
    const label = new Int32Array(tetCount).map((_, e) => -e);
    const path = join(dir, 'box.vtu');

    writeVtu(path, mesh, {
      pointData: [{ name: 'displacement', components: 3, values: displacement }],
      cellData: [
        { name: 'region', components: 1, values: region },
        { name: 'modulus', components: 1, values: modulus },
        { name: 'label', components: 1, values: label },
      ],
    });
    const parsed = JSON.parse(
      execFileSync('python3', ['-c', reader, path], { encoding: 'utf8' }),
    ) as Record<string, { components: number; values: number[] }> & {
      points: number;
      cells: number;
    };

    expect(parsed.points).toBe(12);
    expect(parsed.cells).toBe(12);
    expect(parsed['Points/Points'].values).toEqual(Array.from(mesh.nodes));
    expect(parsed['Points/Points'].components).toBe(3);
    expect(parsed['Cells/connectivity'].values).toEqual(Array.from(mesh.tets));
    expect(parsed['Cells/offsets'].values).toEqual(Array.from({ length: 12 }, (_, e) => 4 * e + 4));
    expect(parsed['Cells/types'].values).toEqual(new Array(12).fill(10));
    expect(parsed['PointData/displacement'].values).toEqual(Array.from(displacement));
    expect(parsed['PointData/displacement'].components).toBe(3);
    expect(parsed['CellData/region'].values).toEqual(Array.from(region));
    expect(parsed['CellData/modulus'].values).toEqual(Array.from(modulus));
    expect(parsed['CellData/label'].values).toEqual(Array.from(label));
    expect(readFileSync(path, 'utf8').startsWith('<?xml')).toBe(true);
  });

  it('refuses a field whose size does not match the mesh', () => {
    const mesh = kuhnBox([1, 1, 1], [1, 1, 1]);
    const bad = { name: 'region', components: 1, values: new Uint8Array(5) };
    expect(() => writeVtu(join(dir, 'bad.vtu'), mesh, { cellData: [bad] })).toThrow(
      /cell field 'region' has 5 values, expected 6 x 1/,
    );
  });
});
