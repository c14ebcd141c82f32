/**
 * NIfTI-1 (348-byte) and NIfTI-2 (540-byte) header fields, read directly with a DataView in
 * either byte order.
 *
 * The maintained reader `nifti-reader-js` is not used for the header because of three behaviours
 * this layer cannot accept: it keeps only one of the sform and the qform (preferring the qform
 * when its code is the higher), so the two cannot be compared; it takes quatern_a as
 * sqrt(1 - b^2 - c^2 - d^2) without clamping, which is NaN when rounding puts the sum above 1;
 * and it reads the 64-bit fields of a big-endian NIfTI-2 header with the words' signs mixed up.
 * The test suite checks this parser against it on the fields where it is right.
 */
import { UserError } from '../core/errors.js';

/** Raw header fields of a NIfTI-1 or NIfTI-2 file, widened to JS numbers. */
export interface NiftiHeader {
  /** 1 or 2. */
  readonly version: 1 | 2;
  /** True when the file is little-endian. */
  readonly littleEndian: boolean;
  /** Header size in bytes: 348 or 540. */
  readonly headerBytes: number;
  /** dim[0..7]: dim[0] is the number of dimensions, dim[1..3] the voxel counts. */
  readonly dim: readonly number[];
  /** NIfTI datatype code (2 uint8, 4 int16, 8 int32, 16 float32, 64 float64, ...). */
  readonly datatype: number;
  /** Bits per voxel as stored in the header. */
  readonly bitpix: number;
  /** pixdim[0..7]: pixdim[0] is qfac, pixdim[1..3] the voxel sizes in `xyzt_units`. */
  readonly pixdim: readonly number[];
  /** Byte offset of the voxel data in the file. */
  readonly voxOffset: number;
  /** Data scaling slope (0 or NaN means no scaling). */
  readonly sclSlope: number;
  /** Data scaling intercept. */
  readonly sclInter: number;
  /** Units code: bits 0..2 space (1 m, 2 mm, 3 um), bits 3..5 time. */
  readonly xyztUnits: number;
  /** qform code (0 unknown, 1 scanner, 2 aligned, 3 talairach, 4 mni, 5 template). */
  readonly qformCode: number;
  /** sform code, same meanings as the qform code. */
  readonly sformCode: number;
  /** Quaternion b, c, d of the qform rotation. */
  readonly quatern: readonly [number, number, number];
  /** qform offsets (x, y, z) in `xyzt_units`. */
  readonly qoffset: readonly [number, number, number];
  /** sform rows x, y, z (4 numbers each, row-major 3x4) in `xyzt_units`. */
  readonly srow: readonly number[];
  /** Description string (80 characters at most). */
  readonly description: string;
}

const nifti1Size = 348;
const nifti2Size = 540;

function readString(view: DataView, offset: number, length: number): string {
  let text = '';
  for (let n = 0; n < length; n++) {
    const code = view.getUint8(offset + n);
    if (code === 0) break;
    text += String.fromCharCode(code);
  }
  return text;
}

/** The NIfTI version and byte order a buffer starts with, or undefined if it is not NIfTI. */
export function sniffNifti(
  bytes: Uint8Array,
): { version: 1 | 2; littleEndian: boolean } | undefined {
  if (bytes.byteLength < 4) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const littleEndian of [true, false]) {
    const size = view.getInt32(0, littleEndian);
    if (size === nifti1Size) return { version: 1, littleEndian };
    if (size === nifti2Size) return { version: 2, littleEndian };
  }
  return undefined;
}

/** Bytes needed to read the header of a file that starts with `bytes` (348 or 540). */
export function headerSizeOf(bytes: Uint8Array, filePath: string): number {
  const kind = sniffNifti(bytes);
  if (kind === undefined) {
    throw new UserError(`${filePath}: sizeof_hdr is neither 348 nor 540: not a NIfTI file`);
  }
  return kind.version === 1 ? nifti1Size : nifti2Size;
}

function readNifti1(view: DataView, le: boolean): NiftiHeader {
  const dim: number[] = [];
  const pixdim: number[] = [];
  for (let n = 0; n < 8; n++) dim.push(view.getInt16(40 + 2 * n, le));
  for (let n = 0; n < 8; n++) pixdim.push(view.getFloat32(76 + 4 * n, le));
  const srow: number[] = [];
  for (let n = 0; n < 12; n++) srow.push(view.getFloat32(280 + 4 * n, le));

  return {
    version: 1,
    littleEndian: le,
    headerBytes: nifti1Size,
    dim,
    datatype: view.getInt16(70, le),
    bitpix: view.getInt16(72, le),
    pixdim,
    voxOffset: view.getFloat32(108, le),
    sclSlope: view.getFloat32(112, le),
    sclInter: view.getFloat32(116, le),
    xyztUnits: view.getUint8(123),
    qformCode: view.getInt16(252, le),
    sformCode: view.getInt16(254, le),
    quatern: [view.getFloat32(256, le), view.getFloat32(260, le), view.getFloat32(264, le)],
    qoffset: [view.getFloat32(268, le), view.getFloat32(272, le), view.getFloat32(276, le)],
    srow,
    description: readString(view, 148, 80),
  };
}

function int64(view: DataView, offset: number, le: boolean): number {
  return Number(view.getBigInt64(offset, le));
}

function readNifti2(view: DataView, le: boolean): NiftiHeader {
  const dim: number[] = [];
  const pixdim: number[] = [];
  for (let n = 0; n < 8; n++) dim.push(int64(view, 16 + 8 * n, le));
  for (let n = 0; n < 8; n++) pixdim.push(view.getFloat64(104 + 8 * n, le));
  const srow: number[] = [];
  for (let n = 0; n < 12; n++) srow.push(view.getFloat64(400 + 8 * n, le));

  return {
    version: 2,
    littleEndian: le,
    headerBytes: nifti2Size,
    dim,
    datatype: view.getInt16(12, le),
    bitpix: view.getInt16(14, le),
    pixdim,
    voxOffset: int64(view, 168, le),
    sclSlope: view.getFloat64(176, le),
    sclInter: view.getFloat64(184, le),
    xyztUnits: view.getInt32(500, le),
    qformCode: view.getInt32(344, le),
    sformCode: view.getInt32(348, le),
    quatern: [view.getFloat64(352, le), view.getFloat64(360, le), view.getFloat64(368, le)],
    qoffset: [view.getFloat64(376, le), view.getFloat64(384, le), view.getFloat64(392, le)],
    srow,
    description: readString(view, 240, 80),
  };
}

/**
 * Parses the header at the start of `bytes` (at least 348 or 540 bytes). Checks the magic string
 * and the dimension count; everything about sizes and geometry is checked by the callers.
 */
export function parseNiftiHeader(bytes: Uint8Array, filePath: string): NiftiHeader {
  const kind = sniffNifti(bytes);
  if (kind === undefined) {
    throw new UserError(`${filePath}: sizeof_hdr is neither 348 nor 540: not a NIfTI file`);
  }
  const size = kind.version === 1 ? nifti1Size : nifti2Size;
  if (bytes.byteLength < size) {
    throw new UserError(`${filePath}: file ends inside the ${size}-byte NIfTI header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  const magicOffset = kind.version === 1 ? 344 : 4;
  const magic = readString(view, magicOffset, 4);
  const accepted = kind.version === 1 ? ['n+1', 'ni1'] : ['n+2', 'ni2'];
  if (!accepted.includes(magic)) {
    throw new UserError(`${filePath}: magic is '${magic}', expected '${accepted[0]}'`);
  }
  if (magic.startsWith('ni')) {
    throw new UserError(`${filePath}: magic '${magic}' is a .hdr/.img pair: not supported`);
  }

  const header =
    kind.version === 1 ? readNifti1(view, kind.littleEndian) : readNifti2(view, kind.littleEndian);
  const rank = header.dim[0];
  if (!Number.isInteger(rank) || rank < 1 || rank > 7) {
    throw new UserError(`${filePath}: dim[0] is ${rank}, expected 1..7`);
  }
  return header;
}
