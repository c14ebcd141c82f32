/**
 * Reads a `.nii` or `.nii.gz` file into a scaled scalar volume on its world grid.
 *
 * Sizes are checked before any large allocation: the header's voxel count times the voxel size
 * must fit in the bytes actually present. A gzip file is inflated in pieces and its output is
 * counted as it grows, so a header announcing billions of voxels in a small file fails when the
 * stream ends short, and a file that inflates past the announced size is cut off there. The gzip
 * trailer (content length and CRC-32) is checked over the whole stream, so a cut or corrupted file
 * that still inflates is refused.
 *
 * Limits: .hdr/.img pairs, dimensions 5..7 above 1, and datatypes other than uint8, int8, int16,
 * uint16, int32, uint32, float32 and float64 are refused with a one-line error.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Gunzip } from 'fflate';
import { UserError } from '../core/errors.js';
import type { ScalarVolume } from './volume.js';
import { parseNiftiHeader, sniffNifti, type NiftiHeader } from './niftiHeader.js';
import { niftiGeometry, type NiftiGeometry } from './niftiGeometry.js';

/** A supported voxel type: its name and size in bytes. */
interface VoxelType {
  readonly name: string;
  readonly bytes: number;
}

const supportedTypes: ReadonlyMap<number, VoxelType> = new Map([
  [2, { name: 'uint8', bytes: 1 }],
  [256, { name: 'int8', bytes: 1 }],
  [4, { name: 'int16', bytes: 2 }],
  [512, { name: 'uint16', bytes: 2 }],
  [8, { name: 'int32', bytes: 4 }],
  [768, { name: 'uint32', bytes: 4 }],
  [16, { name: 'float32', bytes: 4 }],
  [64, { name: 'float64', bytes: 8 }],
]);

const refusedTypes: ReadonlyMap<number, string> = new Map([
  [128, 'RGB colour (rgb24): not a scalar CT'],
  [2304, 'RGBA colour (rgba32): not a scalar CT'],
  [32, 'complex (complex64): not a scalar CT'],
  [1792, 'complex (complex128): not a scalar CT'],
  [2048, 'complex (complex256): not a scalar CT'],
  [1, 'binary (1 bit per voxel): not supported'],
  [1024, 'int64: not supported'],
  [1280, 'uint64: not supported'],
  [1536, 'float128: not supported'],
]);

/** Largest data size this reader accepts, in bytes (4 GiB). */
export const maxDataBytes = 4 * 1024 ** 3;

/** A NIfTI volume after scaling, with its header, geometry and provenance. */
export interface NiftiImage extends ScalarVolume {
  /** Values after scl_slope/scl_inter, one per voxel of the chosen volume. */
  readonly values: Float64Array;
  /** The file as given. */
  readonly filePath: string;
  /** SHA-256 of the file's bytes on disk (hex). */
  readonly sha256: string;
  /** The raw header. */
  readonly header: NiftiHeader;
  /** The chosen transform, its units and why. */
  readonly geometry: NiftiGeometry;
  /** Datatype name (uint8, int16, float32, ...). */
  readonly datatypeName: string;
  /** Number of volumes in the file (dim[4], 1 for 3-D). */
  readonly volumeCount: number;
  /** The volume read (0-based). */
  readonly volumeIndex: number;
  /** The scaling applied, or undefined when slope was 0 or NaN. */
  readonly scaling?: { readonly slope: number; readonly intercept: number };
  /** Warnings raised while reading. */
  readonly warnings: string[];
}

/** Options of {@link readNifti}. */
export interface ReadNiftiOptions {
  /** Volume of a 4-D file to read (0-based); required when the file holds several. */
  readonly volumeIndex?: number;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    const take = Math.min(chunk.byteLength, length - offset);
    out.set(chunk.subarray(0, take), offset);
    offset += take;
    if (offset === length) break;
  }
  return out;
}

/**
 * Inflates a gzip buffer in pieces, keeping output only until `needed(bytesSoFar)` bytes are out.
 * `needed` is asked again as the output grows, so it can answer from the header once the header
 * is out. The rest of the stream is inflated without being kept, for its length and CRC-32.
 */
function inflateBounded(
  compressed: Uint8Array,
  needed: (head: Uint8Array) => number,
  filePath: string,
): { bytes: Uint8Array; complete: boolean; total: number; crc: number } {
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let total = 0;
  let crc = 0xffffffff;
  let target = Infinity;
  const inflater = new Gunzip((chunk) => {
    crc = crc32Update(crc, chunk);
    total += chunk.byteLength;
    if (kept < target) {
      chunks.push(chunk);
      kept += chunk.byteLength;
    }
  });

  const piece = 1 << 16;
  try {
    for (let offset = 0; offset < compressed.byteLength; offset += piece) {
      const end = Math.min(offset + piece, compressed.byteLength);
      inflater.push(compressed.subarray(offset, end), end === compressed.byteLength);
      if (target === Infinity && kept >= 540) target = needed(concat(chunks, kept));
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserError(`${filePath}: gzip stream is corrupt or truncated (${reason})`);
  }
  if (target === Infinity && kept > 0) target = needed(concat(chunks, kept));
  const length = Math.min(kept, target);
  return { bytes: concat(chunks, length), complete: kept >= target, total, crc: ~crc >>> 0 };
}

let crcTable: Uint32Array | undefined;

/**
 * Continues a CRC-32 (the gzip polynomial 0xEDB88320, reflected) over `bytes`: start from
 * 0xffffffff and complement the end result.
 */
function crc32Update(crc: number, bytes: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let bit = 0; bit < 8; bit++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  for (let n = 0; n < bytes.length; n++) crc = crcTable[(crc ^ bytes[n]) & 0xff] ^ (crc >>> 8);
  return crc;
}

/**
 * Checks the gzip trailer (CRC-32 and length of the content, RFC 1952) against what the stream
 * inflated to, which the inflater does not do: a cut trailer or flipped bits that still inflate
 * are refused instead of read. A file of several gzip members is refused too.
 */
function checkGzipTrailer(
  compressed: Uint8Array,
  inflated: { total: number; crc: number },
  filePath: string,
): void {
  const view = new DataView(compressed.buffer, compressed.byteOffset, compressed.byteLength);
  const trailerAt = compressed.byteLength - 8;
  const length = trailerAt >= 10 ? view.getUint32(trailerAt + 4, true) : -1;
  if (length !== inflated.total % 2 ** 32) {
    throw new UserError(
      `${filePath}: gzip trailer gives a length of ${length} bytes but the stream inflates ` +
        `to ${inflated.total}: truncated or corrupt`,
    );
  }
  const stored = view.getUint32(trailerAt, true);
  if (stored !== inflated.crc) {
    throw new UserError(
      `${filePath}: gzip CRC-32 is ${stored.toString(16)} but the content gives ` +
        `${inflated.crc.toString(16)}: the file is corrupt`,
    );
  }
}

/** Voxel counts, volume count and the bytes the header says the file holds. */
function sizesOf(header: NiftiHeader, filePath: string) {
  const type = supportedTypes.get(header.datatype);
  if (type === undefined) {
    const why = refusedTypes.get(header.datatype) ?? 'unknown datatype code';
    throw new UserError(`${filePath}: datatype ${header.datatype} is ${why}`);
  }
  if (header.bitpix !== 8 * type.bytes) {
    throw new UserError(
      `${filePath}: bitpix is ${header.bitpix} but datatype ${type.name} needs ${8 * type.bytes}`,
    );
  }

  const rank = header.dim[0];
  const extent = (axis: number) => (axis <= rank ? header.dim[axis] : 1);
  for (let axis = 1; axis <= rank; axis++) {
    const size = header.dim[axis];
    if (!Number.isSafeInteger(size) || size < 1) {
      throw new UserError(`${filePath}: dim[${axis}] is ${size}, expected a count >= 1`);
    }
    if (axis >= 5 && size > 1) {
      throw new UserError(`${filePath}: dim[${axis}] is ${size}: 5-D and higher not supported`);
    }
  }
  const dims: [number, number, number] = [extent(1), extent(2), extent(3)];
  const volumeCount = extent(4);

  const offset = header.voxOffset;
  if (!Number.isInteger(offset) || offset < header.headerBytes) {
    throw new UserError(
      `${filePath}: vox_offset is ${offset}, expected a whole number >= ${header.headerBytes}`,
    );
  }
  const voxelsPerVolume = dims[0] * dims[1] * dims[2];
  const dataBytes = voxelsPerVolume * volumeCount * type.bytes;
  if (dataBytes > maxDataBytes) {
    throw new UserError(
      `${filePath}: dim gives ${dataBytes} bytes of voxel data, above the ${maxDataBytes} limit`,
    );
  }
  return { type, dims, volumeCount, voxelsPerVolume, totalBytes: offset + dataBytes };
}

function decode(
  bytes: Uint8Array,
  start: number,
  count: number,
  datatype: number,
  littleEndian: boolean,
): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + start);
  const values = new Float64Array(count);
  const le = littleEndian;
  const read: Record<number, (n: number) => number> = {
    2: (n) => view.getUint8(n),
    256: (n) => view.getInt8(n),
    4: (n) => view.getInt16(2 * n, le),
    512: (n) => view.getUint16(2 * n, le),
    8: (n) => view.getInt32(4 * n, le),
    768: (n) => view.getUint32(4 * n, le),
    16: (n) => view.getFloat32(4 * n, le),
    64: (n) => view.getFloat64(8 * n, le),
  };
  const get = read[datatype];
  for (let n = 0; n < count; n++) values[n] = get(n);
  return values;
}

function chooseVolume(count: number, wanted: number | undefined, filePath: string): number {
  if (wanted === undefined) {
    if (count > 1) {
      throw new UserError(
        `${filePath}: dim[4] is ${count} volumes: choose one with --volume N (0..${count - 1})`,
      );
    }
    return 0;
  }
  if (!Number.isInteger(wanted) || wanted < 0 || wanted >= count) {
    throw new UserError(`${filePath}: --volume ${wanted} is outside 0..${count - 1}`);
  }
  return wanted;
}

/** Reads a NIfTI-1 or NIfTI-2 file (.nii or .nii.gz), applying the data scaling. */
export function readNifti(filePath: string, options: ReadNiftiOptions = {}): NiftiImage {
  let raw: Uint8Array;
  try {
    raw = readFileSync(filePath);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw new UserError(`${filePath}: cannot read the file (${code})`);
  }
  const sha256 = createHash('sha256').update(raw).digest('hex');

  let bytes: Uint8Array;
  let complete: boolean;
  let inflated: { total: number; crc: number } | undefined;
  const needed = (head: Uint8Array) => {
    if (sniffNifti(head) === undefined) return head.byteLength;
    return sizesOf(parseNiftiHeader(head, filePath), filePath).totalBytes;
  };
  if (isGzip(raw)) {
    let total: number;
    let crc: number;
    ({ bytes, complete, total, crc } = inflateBounded(raw, needed, filePath));
    inflated = { total, crc };
  } else {
    bytes = raw;
    complete = raw.byteLength >= needed(raw);
  }

  const header = parseNiftiHeader(bytes, filePath);
  const sizes = sizesOf(header, filePath);
  if (!complete || bytes.byteLength < sizes.totalBytes) {
    throw new UserError(
      `${filePath}: header announces ${sizes.totalBytes} bytes (dim ` +
        `${header.dim.slice(1, header.dim[0] + 1).join('x')} ${sizes.type.name}) ` +
        `but the file holds ${bytes.byteLength}: truncated or wrong dim`,
    );
  }
  if (inflated !== undefined) checkGzipTrailer(raw, inflated, filePath);

  const volumeIndex = chooseVolume(sizes.volumeCount, options.volumeIndex, filePath);
  const start = header.voxOffset + volumeIndex * sizes.voxelsPerVolume * sizes.type.bytes;
  const values = decode(bytes, start, sizes.voxelsPerVolume, header.datatype, header.littleEndian);

  const slope = header.sclSlope;
  const scaling =
    slope === 0 || Number.isNaN(slope) ? undefined : { slope, intercept: header.sclInter };
  if (scaling !== undefined) {
    if (!Number.isFinite(scaling.slope) || !Number.isFinite(scaling.intercept)) {
      throw new UserError(
        `${filePath}: scl_slope ${scaling.slope} / scl_inter ${scaling.intercept} not finite`,
      );
    }
    for (let n = 0; n < values.length; n++) {
      values[n] = values[n] * scaling.slope + scaling.intercept;
    }
  }

  const geometry = niftiGeometry(header, sizes.dims, filePath);
  return {
    dims: sizes.dims,
    voxelToWorld: geometry.voxelToWorld,
    spacingMm: geometry.spacingMm,
    values,
    filePath,
    sha256,
    header,
    geometry,
    datatypeName: sizes.type.name,
    volumeCount: sizes.volumeCount,
    volumeIndex,
    scaling,
    warnings: [...geometry.warnings],
  };
}
