/**
 * The WebAssembly bandwidth probe: a copy loop in a tiny wasm module written out here byte by
 * byte (no toolchain needed), moving 64 bytes per trip with four 128-bit SIMD loads and stores,
 * the same instruction set the Rust kernel is built with. With several threads, each worker
 * thread instantiates the module on its own memory and copies its own arrays; all start
 * together and the probe counts the slowest thread's time.
 *
 * Module (one function, memory imported as env.memory):
 *   copy(source: i32, target: i32, byteCount: i32): for i in 0, 64, .. < byteCount:
 *     target[i .. i + 64] = source[i .. i + 64]
 */
import { Worker } from 'node:worker_threads';
import { cpuName } from './jsCopy.js';
import { probeResult, type ProbeResult } from './probe.js';

/** The slice of the WebAssembly JS API used here (the TS lib in use declares no DOM types). */
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Bytes copied per loop trip; byte counts must be a multiple of it. */
export const wasmCopyStrideBytes = 64;

/** Unsigned LEB128 encoding of `value`. */
function leb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

/** Signed LEB128 encoding of a small non-negative `value` (i32.const immediates). */
function sleb(value: number): number[] {
  const bytes = leb(value);
  if (bytes[bytes.length - 1] & 0x40) {
    bytes[bytes.length - 1] |= 0x80;
    bytes.push(0x00);
  }
  return bytes;
}

/** A section: id, then its content's length and the content. */
function section(id: number, content: number[]): number[] {
  return [id, ...leb(content.length), ...content];
}

/** A name as wasm writes it: length, then UTF-8 (ASCII here) bytes. */
function name(text: string): number[] {
  return [...leb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];
}

/** The bytes of the copy module. */
export function copyModuleBytes(): Uint8Array {
  const i32 = 0x7f;
  const localGet = (index: number) => [0x20, index];
  const v128Load = (offset: number) => [0xfd, 0x00, 0x04, ...leb(offset)];
  const v128Store = (offset: number) => [0xfd, 0x0b, 0x04, ...leb(offset)];

  // Locals: 0 source, 1 target, 2 byteCount (parameters), 3 i.
  const trip: number[] = [];
  for (let offset = 0; offset < wasmCopyStrideBytes; offset += 16) {
    trip.push(...localGet(1), ...localGet(3), 0x6a); // target + i
    trip.push(...localGet(0), ...localGet(3), 0x6a); // source + i
    trip.push(...v128Load(offset), ...v128Store(offset));
  }
  const body = [
    0x01,
    0x01,
    i32, // one local of type i32
    0x02,
    0x40, // block
    0x03,
    0x40, // loop
    ...localGet(3),
    ...localGet(2),
    0x4f,
    0x0d,
    0x01, // br_if 1 when i >= byteCount (unsigned)
    ...trip,
    ...localGet(3),
    0x41,
    ...sleb(wasmCopyStrideBytes),
    0x6a,
    0x21,
    0x03, // i += stride
    0x0c,
    0x00, // br 0
    0x0b, // end loop
    0x0b, // end block
    0x0b, // end function
  ];

  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [0x01, 0x60, 0x03, i32, i32, i32, 0x00]),
    ...section(2, [0x01, ...name('env'), ...name('memory'), 0x02, 0x00, 0x01]),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, ...name('copy'), 0x00, 0x00]),
    ...section(10, [0x01, ...leb(body.length), ...body]),
  ]);
}

/** A copy function bound to its own memory holding a source and a target array. */
export interface WasmCopier {
  /** Copies the source array into the target array once. */
  copy(): void;
  /** True when the target holds the source's bytes (checks a few words). */
  verify(): boolean;
}

/** Instantiates the copy module on a fresh memory with two arrays of `arrayBytes` each. */
export function createWasmCopier(arrayBytes: number): WasmCopier {
  if (arrayBytes % wasmCopyStrideBytes !== 0 || arrayBytes <= 0) {
    throw new Error(`wasm copy probe: array size ${arrayBytes} is not a multiple of 64`);
  }
  const pages = Math.ceil((2 * arrayBytes) / 65536) + 1;
  const memory = new wasmApi.Memory({ initial: pages });
  const module = new wasmApi.Module(copyModuleBytes());
  const instance = new wasmApi.Instance(module, { env: { memory } });
  const copy = instance.exports.copy as (source: number, target: number, count: number) => void;
  const words = new Float64Array(memory.buffer);
  const n = arrayBytes / 8;
  for (let i = 0; i < n; i++) words[i] = i + 0.5;

  return {
    copy: () => copy(0, arrayBytes, arrayBytes),
    verify: () => [0, n >> 1, n - 1].every((i) => words[n + i] === i + 0.5),
  };
}

/** Best time of one copy in ms over `repeats` copies (after one warm-up). */
export function timeCopies(copier: WasmCopier, repeats: number): number {
  copier.copy();
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    copier.copy();
    best = Math.min(best, performance.now() - start);
  }
  if (!copier.verify()) throw new Error('wasm copy probe: the copy did not happen');
  return best;
}

/**
 * Runs the wasm copy probe on `threads` worker threads (1: in this thread), each copying its
 * own arrays of `arrayBytes`; the time of a round is the slowest thread's, best of `repeats`.
 */
export async function runWasmCopyProbe(
  arrayBytes: number,
  threads: number,
  repeats: number,
): Promise<ProbeResult> {
  let timeMs: number;
  if (threads === 1) {
    timeMs = timeCopies(createWasmCopier(arrayBytes), repeats);
  } else {
    timeMs = await timeThreadedCopies(arrayBytes, threads, repeats);
  }
  return probeResult({
    id: threads === 1 ? 'wasm-copy-1t' : `wasm-copy-${threads}t`,
    device: cpuName(),
    method: `wasm SIMD copy loop, ${threads} thread(s), best of ${repeats}`,
    arrayBytes: threads * arrayBytes,
    timePerCopyMs: timeMs,
    threads,
  });
}

/** Rounds of copies on worker threads started together through an Atomics barrier. */
async function timeThreadedCopies(
  arrayBytes: number,
  threads: number,
  repeats: number,
): Promise<number> {
  const url = new URL('./wasmCopyWorker.mjs', import.meta.url);
  const moduleBytes = copyModuleBytes();
  const control = new Int32Array(new SharedArrayBuffer(4 * (2 + threads)));
  const workers = Array.from(
    { length: threads },
    (_, index) =>
      new Worker(url, {
        workerData: { arrayBytes, control: control.buffer, index, moduleBytes },
      }),
  );
  try {
    const ready = workers.map((w) => new Promise((resolve) => w.once('message', resolve)));
    await Promise.all(ready);

    let best = Infinity;
    for (let round = 0; round <= repeats; round++) {
      const done = workers.map((w) => new Promise((resolve) => w.once('message', resolve)));
      const start = performance.now();
      Atomics.add(control, 0, 1);
      Atomics.notify(control, 0);
      await Promise.all(done);
      const elapsed = performance.now() - start;
      if (round > 0) best = Math.min(best, elapsed);
    }
    for (let t = 0; t < threads; t++) {
      if (control[2 + t] !== 1) throw new Error(`wasm copy probe: thread ${t} did not verify`);
    }
    return best;
  } finally {
    Atomics.store(control, 1, 1);
    Atomics.add(control, 0, 1);
    Atomics.notify(control, 0);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
