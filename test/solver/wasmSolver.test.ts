import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors.js';
import { projectPath } from '../../core/paths.js';
import { multiplyBlockSparse, type BlockSparseMatrix } from '../../solver/blockSparse.js';
import { createJsSolver } from '../../solver/jsSolver.js';
import {
  SolverError,
  type LinearSolver,
  type SolveOptions,
  type SolveResult,
} from '../../solver/linearSolver.js';
import { WasmKernel } from '../../solver/wasmKernel.js';
import { splitRows } from '../../solver/wasmPool.js';
import { WasmResidual } from '../../solver/wasmResidual.js';
import { createWasmSolver } from '../../solver/wasmSolver.js';
import { seededRandom } from './boxMesh.js';
import { compressedBox, relativeDifference, type TestSystem } from './wasmSystems.js';

const options: SolveOptions = { relativeTolerance: 1e-8, maxIterations: 5000 };

/** |f - K x| / |f| recomputed here in float64 with the reference product. */
function trueResidual({ matrix, rhs }: TestSystem, x: Float64Array): number {
  const kx = multiplyBlockSparse(new Float64Array(rhs.length), matrix, x);
  return relativeDifference(kx, rhs);
}

/** A 2-node block system [[A, C], [C^T, B]] built from dense 3x3 blocks. */
function twoNodeMatrix(blocks: number[][]): BlockSparseMatrix {
  const pattern = {
    blockRowCount: 2,
    rowOffsets: Uint32Array.of(0, 2, 4),
    colIndices: Uint32Array.of(0, 1, 0, 1),
    diagonalIndex: Uint32Array.of(0, 3),
  };
  return { pattern, values: Float64Array.from(blocks.flat()) };
}

const identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];
const zero = [0, 0, 0, 0, 0, 0, 0, 0, 0];

beforeAll(() => {
  execFileSync('bash', [projectPath('wasm', 'build.sh')], { stdio: 'inherit' });
});

describe('WebAssembly PCG, one thread', () => {
  const system = compressedBox(9);
  let reference: SolveResult;
  let wasm: LinearSolver;

  beforeAll(async () => {
    reference = await createJsSolver().solve(system.matrix, system.rhs, options);
    wasm = await createWasmSolver();
  });

  it('reproduces the TypeScript reference exactly (same sums in the same order)', async () => {
    const result = await wasm.solve(system.matrix, system.rhs, options);

    expect(result.iterations).toBe(reference.iterations);
    expect(relativeDifference(result.x, reference.x)).toBeLessThanOrEqual(1e-10);
    expect(result.relativeResidual).toBe(reference.relativeResidual);
    expect(trueResidual(system, result.x)).toBeLessThanOrEqual(1e-8);
    expect(result.backend).toBe('wasm');
  });

  it('reports progress every 50 iterations with the recurrence residual', async () => {
    const seen: [number, number][] = [];
    const onProgress = (i: number, r: number) => seen.push([i, r]);
    const result = await wasm.solve(system.matrix, system.rhs, { ...options, onProgress });

    const expected = Math.floor(result.iterations / 50);
    expect(seen.map(([i]) => i)).toEqual(Array.from({ length: expected }, (_, k) => 50 * (k + 1)));
    for (const [, r] of seen) expect(r).toBeGreaterThan(1e-8);
  });

  it('certifies a float32-stored matrix against the float64 one', async () => {
    const f32 = await createWasmSolver({ matrixPrecision: 'f32' });
    const result = await f32.solve(system.matrix, system.rhs, options);

    expect(trueResidual(system, result.x)).toBeLessThanOrEqual(1e-8);
    expect(result.relativeResidual).toBeCloseTo(trueResidual(system, result.x), 12);
    // Both solutions are within about cond(K) * 1e-8 of the exact one.
    expect(relativeDifference(result.x, reference.x)).toBeLessThan(1e-5);
    await f32.dispose();
  });

  it('returns zero for a zero right-hand side without iterating', async () => {
    const result = await wasm.solve(system.matrix, new Float64Array(system.rhs.length), options);
    expect(result.iterations).toBe(0);
    expect(result.x.every((v) => v === 0)).toBe(true);
  });

  it('throws max-iterations when the limit is too small', async () => {
    const solve = wasm.solve(system.matrix, system.rhs, { ...options, maxIterations: 7 });
    await expect(solve).rejects.toMatchObject({
      failure: 'max-iterations',
      details: { iteration: 7 },
    });
  });

  it('throws diverged on an indefinite matrix', async () => {
    // diag(1, 1, 1, -1, -1, -1): p.Kp <= 0 for b = (1, ..., 1) at the first iteration.
    const minus = identity.map((v) => -v);
    const matrix = twoNodeMatrix([identity, zero, zero, minus]);
    const solve = wasm.solve(matrix, new Float64Array(6).fill(1), options);
    await expect(solve).rejects.toMatchObject({ failure: 'diverged' });
  });

  it('throws not-a-number on a singular diagonal block, naming the node', async () => {
    const matrix = twoNodeMatrix([identity, zero, zero, zero]);
    const solve = wasm.solve(matrix, new Float64Array(6).fill(1), options);
    await expect(solve).rejects.toThrow(/node 1 is singular/);
    await expect(solve).rejects.toBeInstanceOf(SolverError);
  });

  it('refuses a model too large for 4 GiB before any work, saying how large', () => {
    // 60 million blocks of 76 bytes: 4.2 GiB of matrix alone. Only lengths are read.
    const block = {
      globalRows: 1,
      rowBegin: 0,
      rowOffsets: Uint32Array.of(0, 60e6),
      colIndices: new Uint32Array(60e6),
      values: new Float64Array(0),
    };
    const create = () => WasmKernel.createRowBlock(block, 'f64');
    expect(create).toThrow(UserError);
    expect(create).toThrow(/needs 4\.\d\d GiB .* 4 GiB WebAssembly limit/);
  });

  afterAll(async () => wasm.dispose());
});

describe('WebAssembly float64 residual', () => {
  it('computes b - A x as the reference product does, reusable for several vectors', () => {
    const { matrix } = compressedBox(4);
    const n = 3 * matrix.pattern.blockRowCount;
    const random = seededRandom(5);
    const residual = WasmResidual.create(matrix);

    for (let trial = 0; trial < 2; trial++) {
      const x = Float64Array.from({ length: n }, () => random() - 0.5);
      const b = Float64Array.from({ length: n }, () => random() - 0.5);
      const { r, norm } = residual.residual(x, b);

      const expected = multiplyBlockSparse(new Float64Array(n), matrix, x).map((v, k) => b[k] - v);
      expect(Array.from(r)).toEqual(Array.from(expected));
      expect(norm).toBeCloseTo(Math.hypot(...expected), 10);
    }
    residual.dispose();
  });
});

describe('WebAssembly PCG, two worker threads', () => {
  const system = compressedBox(9, 100, 11);
  let threaded: LinearSolver;

  beforeAll(async () => {
    threaded = await createWasmSolver({ threads: 2 });
  });

  it('splits rows into blocks of about equal work', () => {
    const parts = splitRows(system.matrix.pattern.rowOffsets, 2);
    const offsets = system.matrix.pattern.rowOffsets;
    const work = parts.map((p) => offsets[p.rowEnd] - offsets[p.rowBegin]);
    expect(parts[0].rowBegin).toBe(0);
    expect(parts[0].rowEnd).toBe(parts[1].rowBegin);
    expect(parts[1].rowEnd).toBe(system.matrix.pattern.blockRowCount);
    expect(Math.abs(work[0] - work[1])).toBeLessThanOrEqual(30);
  });

  it('matches the reference iterations within one and certifies the residual', async () => {
    const reference = await createJsSolver().solve(system.matrix, system.rhs, options);
    const result = await threaded.solve(system.matrix, system.rhs, options);

    expect(Math.abs(result.iterations - reference.iterations)).toBeLessThanOrEqual(1);
    expect(result.relativeResidual).toBeLessThanOrEqual(1e-8);
    expect(trueResidual(system, result.x)).toBeCloseTo(result.relativeResidual, 12);
  });

  it('matches the reference displacements within 1e-10 at a 1e-12 tolerance', async () => {
    // Partial sums per thread round differently, so the two iterates drift apart by about the
    // solution's own error; at 1e-12 both lie within 1e-10 of the exact solution.
    const tight = { ...options, relativeTolerance: 1e-12 };
    const reference = await createJsSolver().solve(system.matrix, system.rhs, tight);
    const result = await threaded.solve(system.matrix, system.rhs, tight);

    expect(relativeDifference(result.x, reference.x)).toBeLessThanOrEqual(1e-10);
    expect(Math.abs(result.iterations - reference.iterations)).toBeLessThanOrEqual(1);
  });

  it('certifies a float32-stored matrix split over the workers', async () => {
    const f32 = await createWasmSolver({ threads: 2, matrixPrecision: 'f32' });
    const result = await f32.solve(system.matrix, system.rhs, options);
    await f32.dispose();

    expect(result.backend).toBe('wasm (2 threads)');
    expect(trueResidual(system, result.x)).toBeLessThanOrEqual(1e-8);
    expect(result.relativeResidual).toBeCloseTo(trueResidual(system, result.x), 12);
  });

  it('reports failures as the single thread does', async () => {
    const singular = twoNodeMatrix([identity, zero, zero, zero]);
    const refused = threaded.solve(singular, new Float64Array(6).fill(1), options);
    await expect(refused).rejects.toThrow(/node 1 is singular/);
    await expect(refused).rejects.toBeInstanceOf(SolverError);

    const solve = threaded.solve(system.matrix, system.rhs, { ...options, maxIterations: 9 });
    await expect(solve).rejects.toMatchObject({
      failure: 'max-iterations',
      details: { iteration: 9 },
    });
  });

  afterAll(async () => threaded.dispose());
});
