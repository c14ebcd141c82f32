/**
 * The Rust PCG kernel built natively (x86_64) as the crate's `pcg_bench` program: building it
 * with Debian's cargo, writing a system in the file format it reads, and running it. Its peak
 * memory comes from /usr/bin/time (maximum resident set size).
 *
 * System file (little-endian, as documented in wasm/src/bin/pcg_bench.rs): magic 'VPHK', u32
 * version 1, u32 block rows, u32 blocks, row offsets (rows + 1 u32), column indices (blocks
 * u32), values (9 * blocks f64), right-hand side (3 * rows f64).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, openSync, writeSync, closeSync } from 'node:fs';
import { projectPath } from '../core/paths.js';
import type { BlockSparseMatrix } from '../solver/blockSparse.js';

/** Where cargo puts the native program. */
export const nativeBenchBinary = projectPath('wasm', 'target', 'release', 'pcg_bench');

/** Builds `pcg_bench` natively (release) unless cargo finds it up to date; returns its path. */
export function buildNativeKernel(): string {
  if (!existsSync(projectPath('wasm', 'src', 'bin', 'pcg_bench.rs'))) {
    throw new Error('wasm/src/bin/pcg_bench.rs not found: no native build of the kernel');
  }
  execFileSync('/usr/bin/cargo', ['build', '--release', '--quiet', '--bin', 'pcg_bench'], {
    cwd: projectPath('wasm'),
    env: { ...process.env, RUSTC: '/usr/bin/rustc' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return nativeBenchBinary;
}

/** Writes `matrix` and `rhs` as a VPHK version 1 system file. */
export function writeNativeSystem(path: string, matrix: BlockSparseMatrix, rhs: Float64Array) {
  const { blockRowCount, rowOffsets, colIndices } = matrix.pattern;
  const header = new Uint32Array([0, 1, blockRowCount, colIndices.length]);
  new Uint8Array(header.buffer).set([0x56, 0x50, 0x48, 0x4b], 0); // 'VPHK'
  const fd = openSync(path, 'w');
  try {
    for (const part of [header, rowOffsets, colIndices, matrix.values, rhs]) {
      writeSync(fd, new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
    }
  } finally {
    closeSync(fd);
  }
}

/** What `pcg_bench` prints, plus the peak memory measured around it. */
export interface NativeRun {
  readonly iterations: number;
  readonly relativeResidual: number;
  /** Wall time of the solve inside the program (file reading excluded), ms. */
  readonly solveMs: number;
  /** Mean time of one mat-vec alone, ms. */
  readonly matvecMs: number;
  /** Maximum resident set size of the program, MiB. */
  readonly peakRssMiB: number;
}

/** Runs `pcg_bench` on a system file to `tolerance`; throws with its message when it fails. */
export function runNativeKernel(systemPath: string, tolerance: number): NativeRun {
  const run = spawnSync(
    '/usr/bin/time',
    ['-f', 'maxrss-kib %M', nativeBenchBinary, systemPath, '--tolerance', String(tolerance)],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) {
    const message = (run.stderr ?? '').trim().split('\n')[0] ?? '';
    throw new Error(`pcg_bench failed (exit ${run.status}): ${message}`);
  }
  const line = JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as {
    iterations: number;
    relativeResidual: number;
    solveMs: number;
    matvecMs: number;
  };
  const rss = /maxrss-kib (\d+)/.exec(run.stderr);
  if (rss === null) throw new Error('pcg_bench: /usr/bin/time gave no maximum resident size');
  return { ...line, peakRssMiB: Number(rss[1]) / 1024 };
}
