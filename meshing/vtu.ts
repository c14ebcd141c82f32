/**
 * VTK XML UnstructuredGrid (.vtu) writer for linear tetrahedral meshes with any number of point
 * and cell fields, readable by ParaView and VTK. Arrays are inline, base64-encoded binary: each
 * array is one base64 stream of a UInt32 byte count followed by the little-endian values (VTK's
 * uncompressed "binary" format, header_type UInt32). Arrays over 4 GiB are refused.
 */
import { writeFileSync } from 'node:fs';
import type { TetMesh } from './tetMesh.js';

/** One field: `components` values per point or per cell. */
export interface VtuField {
  /** Array name shown in ParaView. */
  readonly name: string;
  /** Values per point or cell (1 scalar, 3 vector, 6 or 9 tensor). */
  readonly components: number;
  /** `components` values per entity, entity-major. */
  readonly values: Float64Array | Float32Array | Int32Array | Uint8Array;
}

/** Fields attached to points (nodes) and to cells (elements). */
export interface VtuFields {
  readonly pointData?: readonly VtuField[];
  readonly cellData?: readonly VtuField[];
}

const vtkTetraCellType = 10;

function vtkTypeName(values: VtuField['values']): string {
  if (values instanceof Float64Array) return 'Float64';
  if (values instanceof Float32Array) return 'Float32';
  if (values instanceof Int32Array) return 'Int32';
  return 'UInt8';
}

/** Base64 of a UInt32 byte count followed by the array's bytes (little-endian host assumed). */
function encodeBinary(values: ArrayBufferView): string {
  const byteCount = values.byteLength;
  if (byteCount > 0xffffffff) throw new Error(`vtu: array of ${byteCount} bytes exceeds 4 GiB`);

  const buffer = Buffer.alloc(4 + byteCount);
  buffer.writeUInt32LE(byteCount, 0);
  Buffer.from(values.buffer, values.byteOffset, byteCount).copy(buffer, 4);
  return buffer.toString('base64');
}

function dataArray(field: VtuField, count: number, where: string): string {
  if (!Number.isInteger(field.components) || field.components < 1) {
    throw new Error(`vtu: field '${field.name}' has ${field.components} components`);
  }
  if (field.values.length !== count * field.components) {
    throw new Error(
      `vtu: ${where} field '${field.name}' has ${field.values.length} values, ` +
        `expected ${count} x ${field.components}`,
    );
  }
  const name = field.name.replace(/[<>&"]/g, '_');
  return (
    `<DataArray type="${vtkTypeName(field.values)}" Name="${name}" ` +
    `NumberOfComponents="${field.components}" format="binary">\n` +
    `${encodeBinary(field.values)}\n</DataArray>\n`
  );
}

/**
 * Writes `mesh` with its fields to `path` as a .vtu file. Point fields have one entry per node,
 * cell fields one per tetrahedron; a size mismatch is a broken contract (Error).
 */
export function writeVtu(path: string, mesh: TetMesh, fields: VtuFields = {}): void {
  const nodeCount = mesh.nodes.length / 3;
  const tetCount = mesh.tets.length / 4;

  const connectivity = Int32Array.from(mesh.tets);
  const offsets = new Int32Array(tetCount);
  for (let e = 0; e < tetCount; e++) offsets[e] = 4 * (e + 1);
  const types = new Uint8Array(tetCount).fill(vtkTetraCellType);

  const parts: string[] = [
    '<?xml version="1.0"?>\n',
    '<VTKFile type="UnstructuredGrid" version="1.0" byte_order="LittleEndian" ' +
      'header_type="UInt32">\n<UnstructuredGrid>\n',
    `<Piece NumberOfPoints="${nodeCount}" NumberOfCells="${tetCount}">\n`,
    '<PointData>\n',
    ...(fields.pointData ?? []).map((f) => dataArray(f, nodeCount, 'point')),
    '</PointData>\n<CellData>\n',
    ...(fields.cellData ?? []).map((f) => dataArray(f, tetCount, 'cell')),
    '</CellData>\n<Points>\n',
    dataArray({ name: 'Points', components: 3, values: mesh.nodes }, nodeCount, 'point'),
    '</Points>\n<Cells>\n',
    dataArray({ name: 'connectivity', components: 1, values: connectivity }, 4 * tetCount, 'cell'),
    dataArray({ name: 'offsets', components: 1, values: offsets }, tetCount, 'cell'),
    dataArray({ name: 'types', components: 1, values: types }, tetCount, 'cell'),
    '</Cells>\n</Piece>\n</UnstructuredGrid>\n</VTKFile>\n',
  ];
  writeFileSync(path, parts.join(''));
}
