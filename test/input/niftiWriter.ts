/**
 * Writes small NIfTI-1 and NIfTI-2 files byte by byte with a DataView, for tests. Every header
 * field is set here explicitly so that the reader is checked against the format, not against
 * another library.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

/** What a test file holds. Unset fields get harmless defaults (mm, no transform codes). */
export interface TestNifti {
  version?: 1 | 2;
  littleEndian?: boolean;
  /** dim[0..7]; shorter arrays are padded with 1. */
  dim: number[];
  datatype: number;
  bitpix?: number;
  pixdim?: number[];
  voxOffset?: number;
  sclSlope?: number;
  sclInter?: number;
  xyztUnits?: number;
  qformCode?: number;
  sformCode?: number;
  quatern?: [number, number, number];
  qoffset?: [number, number, number];
  /** 12 numbers, rows x, y, z. */
  srow?: number[];
  /** Voxel values, written with the datatype (complex/RGB: raw bytes via `rawData`). */
  values?: ArrayLike<number>;
  /** Raw data bytes written after the header instead of `values`. */
  rawData?: Uint8Array;
  magic?: string;
}

const bytesOf: Record<number, number> = {
  2: 1,
  256: 1,
  4: 2,
  512: 2,
  8: 4,
  768: 4,
  16: 4,
  64: 8,
  128: 3,
  32: 8,
  1792: 16,
  2304: 4,
};

function writeValue(view: DataView, at: number, type: number, value: number, le: boolean) {
  switch (type) {
    case 2:
      return view.setUint8(at, value);
    case 256:
      return view.setInt8(at, value);
    case 4:
      return view.setInt16(at, value, le);
    case 512:
      return view.setUint16(at, value, le);
    case 8:
      return view.setInt32(at, value, le);
    case 768:
      return view.setUint32(at, value, le);
    case 16:
      return view.setFloat32(at, value, le);
    case 64:
      return view.setFloat64(at, value, le);
    default:
      throw new Error(`test writer: no values for datatype ${type}`);
  }
}

function writeMagic(view: DataView, at: number, magic: string) {
  for (let n = 0; n < magic.length; n++) view.setUint8(at + n, magic.charCodeAt(n));
}

/** The bytes of a NIfTI file described by `spec` (uncompressed). */
export function niftiBytes(spec: TestNifti): Uint8Array {
  const version = spec.version ?? 1;
  const le = spec.littleEndian ?? true;
  const headerSize = version === 1 ? 348 : 540;
  const offset = spec.voxOffset ?? headerSize + 4;
  const dim = [...spec.dim];
  while (dim.length < 8) dim.push(1);
  const pixdim = [...(spec.pixdim ?? [1, 1, 1, 1])];
  while (pixdim.length < 8) pixdim.push(0);
  const size = bytesOf[spec.datatype] ?? 1;
  const count = spec.values?.length ?? 0;
  const dataBytes = spec.rawData?.byteLength ?? count * size;

  const buffer = new ArrayBuffer(offset + dataBytes);
  const view = new DataView(buffer);
  const srow = spec.srow ?? new Array(12).fill(0);
  const quatern = spec.quatern ?? [0, 0, 0];
  const qoffset = spec.qoffset ?? [0, 0, 0];
  const bitpix = spec.bitpix ?? 8 * size;
  const units = spec.xyztUnits ?? 2;

  if (version === 1) {
    view.setInt32(0, 348, le);
    dim.forEach((d, n) => view.setInt16(40 + 2 * n, d, le));
    view.setInt16(70, spec.datatype, le);
    view.setInt16(72, bitpix, le);
    pixdim.forEach((p, n) => view.setFloat32(76 + 4 * n, p, le));
    view.setFloat32(108, offset, le);
    view.setFloat32(112, spec.sclSlope ?? 1, le);
    view.setFloat32(116, spec.sclInter ?? 0, le);
    view.setUint8(123, units);
    view.setInt16(252, spec.qformCode ?? 0, le);
    view.setInt16(254, spec.sformCode ?? 0, le);
    quatern.forEach((q, n) => view.setFloat32(256 + 4 * n, q, le));
    qoffset.forEach((q, n) => view.setFloat32(268 + 4 * n, q, le));
    srow.forEach((s, n) => view.setFloat32(280 + 4 * n, s, le));
    writeMagic(view, 344, spec.magic ?? 'n+1');
  } else {
    view.setInt32(0, 540, le);
    writeMagic(view, 4, spec.magic ?? 'n+2');
    [0x0d, 0x0a, 0x1a, 0x0a].forEach((b, n) => view.setUint8(8 + n, b));
    view.setInt16(12, spec.datatype, le);
    view.setInt16(14, bitpix, le);
    dim.forEach((d, n) => view.setBigInt64(16 + 8 * n, BigInt(d), le));
    pixdim.forEach((p, n) => view.setFloat64(104 + 8 * n, p, le));
    view.setBigInt64(168, BigInt(offset), le);
    view.setFloat64(176, spec.sclSlope ?? 1, le);
    view.setFloat64(184, spec.sclInter ?? 0, le);
    view.setInt32(344, spec.qformCode ?? 0, le);
    view.setInt32(348, spec.sformCode ?? 0, le);
    quatern.forEach((q, n) => view.setFloat64(352 + 8 * n, q, le));
    qoffset.forEach((q, n) => view.setFloat64(376 + 8 * n, q, le));
    srow.forEach((s, n) => view.setFloat64(400 + 8 * n, s, le));
    view.setInt32(500, units, le);
  }

  const out = new Uint8Array(buffer);
  if (spec.rawData !== undefined) out.set(spec.rawData, offset);
  else
    for (let n = 0; n < count; n++)
      writeValue(view, offset + n * size, spec.datatype, spec.values![n], le);
  return out;
}

/** Writes `spec` to `path`, gzipped when the path ends in .gz. Returns the path. */
export function writeNifti(path: string, spec: TestNifti): string {
  const bytes = niftiBytes(spec);
  writeFileSync(path, path.endsWith('.gz') ? gzipSync(bytes) : bytes);
  return path;
}
