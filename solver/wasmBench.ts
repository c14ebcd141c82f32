/**
 * Benchmark support for the PCG kernel: the memory traffic of one iteration, and the native
 * (x86_64) build of the same Rust kernel (`wasm/src/bin/pcg_bench.rs`), fed through a binary
 * system file, so that the WebAssembly timing can be set against native code on one machine.
 *
 * System file (little endian): `VPHK`, u32 version 1, u32 block rows, u32 blocks, row offsets
 * (rows + 1 u32), column indices (blocks u32), values (9 * blocks f64), right-hand side
 * (3 * rows f64).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectPath } from '../core/paths.js';
import type { BlockSparseMatrix } from './blockSparse.js';

/** Path of the native benchmark binary (built by {@link buildNativeKernel}). */
export const nativeKernelPath: string = projectPath('wasm', 'target', 'release', 'pcg_bench');

/**
 * Bytes one PCG iteration moves, counted once per array pass: the matrix (72 B per block in
 * float64, 36 B in float32, plus a 4 B column index; 4 B row offset per node), and per node
 * 360 B of vectors: product (read p, write q: 48), update (read x, p, r, q and the 72 B
 * inverse diagonal block, write x, r, z: 240), direction (read z, p, write p: 72).
 */
export function pcgBytesPerIteration(matrix: BlockSparseMatrix, precision: 'f64' | 'f32'): number {
  const blocks = matrix.pattern.colIndices.length;
  const rows = matrix.pattern.blockRowCount;
  const perBlock = (precision === 'f64' ? 72 : 36) + 4;
  return blocks * perBlock + rows * (4 + 360);
}

/** Writes `matrix` and `rhs` as a system file (format in the module comment). */
export function writeSystemFile(path: string, matrix: BlockSparseMatrix, rhs: Float64Array): void {
  const { blockRowCount: rows, rowOffsets, colIndices } = matrix.pattern;
  const blocks = colIndices.length;
  const header = new Uint32Array([0, 1, rows, blocks]);
  new Uint8Array(header.buffer).set([0x56, 0x50, 0x48, 0x4b]);

  const parts = [header, rowOffsets, colIndices, matrix.values, rhs];
  const bytes = parts.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  writeFileSync(path, Buffer.concat(bytes));
}

/** Builds the native benchmark binary with Debian's cargo (quick when up to date). */
export function buildNativeKernel(): string {
  execFileSync('/usr/bin/cargo', ['build', '--release', '--quiet', '--bin', 'pcg_bench'], {
    cwd: projectPath('wasm'),
    env: { ...process.env, RUSTC: '/usr/bin/rustc', RUSTFLAGS: '' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return nativeKernelPath;
}

/** What the native kernel measured. */
export interface NativeKernelRun {
  /** Whether the true residual met the tolerance within the iteration limit. */
  readonly converged: boolean;
  /** Iterations of the certified solve (restarts included). */
  readonly iterations: number;
  /** True relative residual |f - K x| / |f| (float64). */
  readonly relativeResidual: number;
  /** Wall time of the solve (start, iterations, certificate) in ms. */
  readonly solveMs: number;
  /** solveMs / iterations. */
  readonly msPerIteration: number;
  /** Thread CPU time of the solve per iteration in ms (robust on a busy machine). */
  readonly cpuMsPerIteration: number;
  /** Mean time of one block sparse product alone, in ms. */
  readonly matvecMs: number;
  /** Mean thread CPU time of one product alone, in ms. */
  readonly matvecCpuMs: number;
  /** The solution (3 per node). */
  readonly x: Float64Array;
}

/**
 * Solves `matrix` x = `rhs` with the native build of the kernel (building it first if needed)
 * and returns its timings and solution; an iteration limit reached is reported by `converged`
 * (for timing a fixed number of iterations), a breakdown throws. `matvecs`: products timed
 * alone after the solve.
 */
export function runNativeKernel(
  matrix: BlockSparseMatrix,
  rhs: Float64Array,
  options: {
    relativeTolerance?: number;
    maxIterations?: number;
    matrixPrecision?: 'f64' | 'f32';
    matvecs?: number;
  } = {},
): NativeKernelRun {
  const binary = buildNativeKernel();
  const dir = mkdtempSync(join(tmpdir(), 'vph-native-'));
  try {
    const systemPath = join(dir, 'system.bin');
    const solutionPath = join(dir, 'x.bin');
    writeSystemFile(systemPath, matrix, rhs);
    const args = [
      systemPath,
      '--tolerance',
      String(options.relativeTolerance ?? 1e-8),
      '--max-iterations',
      String(options.maxIterations ?? 20000),
      '--matvecs',
      String(options.matvecs ?? 20),
      '--solution',
      solutionPath,
    ];
    if (options.matrixPrecision === 'f32') args.push('--f32');

    const report = JSON.parse(execFileSync(binary, args, { encoding: 'utf8' }));
    const raw = readFileSync(solutionPath);
    const x = new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    return {
      converged: report.converged,
      iterations: report.iterations,
      relativeResidual: report.relativeResidual,
      solveMs: report.solveMs,
      msPerIteration: report.msPerIteration,
      cpuMsPerIteration: report.cpuMsPerIteration,
      matvecMs: report.matvecMs,
      matvecCpuMs: report.matvecCpuMs,
      x,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
