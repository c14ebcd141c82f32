/**
 * The WebGPU backend against a float64 CPU PCG on elasticity systems of a tetrahedral box with
 * material contrast: same displacements, a true residual certificate, identical bits on two
 * runs, and the same bits when the matrix values are split over many small bindings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpuSolver, type GpuSolver } from '../../solver/gpu/gpuSolver.js';
import { planRowChunks } from '../../solver/gpu/gpuMatrix.js';
import type { SolveOptions } from '../../solver/linearSolver.js';
import {
  elasticityBox,
  norm2,
  referenceProduct,
  referenceSolve,
  type TestSystem,
} from './gpuFixtures.js';

const options: SolveOptions = { relativeTolerance: 1e-10, maxIterations: 20000 };

/** |a - b| / |b|. */
function relativeDifference(a: Float64Array, b: Float64Array): number {
  return norm2(a.map((v, i) => v - b[i])) / norm2(b);
}

/** The true relative residual |f - K u| / |f|, recomputed here. */
function trueResidual(system: TestSystem, u: Float64Array): number {
  const ku = referenceProduct(system.matrix, u);
  return norm2(ku.map((v, i) => system.rhs[i] - v)) / norm2(system.rhs);
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer).equals(Buffer.from(b.buffer));
}

let solver: GpuSolver;
beforeAll(async () => {
  solver = await createGpuSolver();
});
afterAll(async () => {
  await solver.dispose();
});

describe('GPU PCG in float32 inside float64 refinement', () => {
  it('matches a float64 CPU PCG on a box with modulus contrast 1000 (6,591 unknowns)', async () => {
    const system = elasticityBox(12, 12, 12, 1000);
    const reference = referenceSolve(system, 1e-13);

    const result = await solver.solve(system.matrix, system.rhs, options);

    expect(relativeDifference(result.x, reference)).toBeLessThan(1e-6);
    expect(result.relativeResidual).toBeLessThanOrEqual(options.relativeTolerance);
    expect(trueResidual(system, result.x)).toBeLessThanOrEqual(options.relativeTolerance);
    expect(result.backend).toContain(solver.adapterName);
  });

  it('matches the CPU PCG on 27,783 unknowns to the default tolerance 1e-8', async () => {
    const system = elasticityBox(20, 20, 20, 100, 11);
    const reference = referenceSolve(system, 1e-13);

    const result = await solver.solve(system.matrix, system.rhs, {
      relativeTolerance: 1e-8,
      maxIterations: 20000,
    });

    expect(trueResidual(system, result.x)).toBeLessThanOrEqual(1e-8);
    expect(relativeDifference(result.x, reference)).toBeLessThan(1e-6);
  });

  it('gives identical bits on two runs (fixed-order reductions)', async () => {
    const system = elasticityBox(8, 8, 8, 300, 3);
    const trace = (log: number[]) => (iteration: number, residual: number) =>
      log.push(iteration, residual);
    const firstLog: number[] = [];
    const secondLog: number[] = [];

    const first = await solver.solve(system.matrix, system.rhs, {
      ...options,
      onProgress: trace(firstLog),
    });
    const second = await solver.solve(system.matrix, system.rhs, {
      ...options,
      onProgress: trace(secondLog),
    });

    expect(sameBits(first.x, second.x)).toBe(true);
    expect(second.iterations).toBe(first.iterations);
    expect(secondLog).toEqual(firstLog);
    expect(firstLog.length).toBeGreaterThan(4);
  });

  it('splits matrix values over many small bindings with the same result bits', async () => {
    const system = elasticityBox(8, 8, 8, 300, 3);
    const bindingBytes = 36 * 600;
    const chunks = planRowChunks(system.matrix.pattern, 600, Infinity);
    expect(chunks.length).toBeGreaterThan(5);
    const split = await createGpuSolver({ maxStorageBindingBytes: bindingBytes });

    try {
      const whole = await solver.solve(system.matrix, system.rhs, options);
      const chunked = await split.solve(system.matrix, system.rhs, options);
      expect(sameBits(chunked.x, whole.x)).toBe(true);
      expect(trueResidual(system, chunked.x)).toBeLessThanOrEqual(options.relativeTolerance);
    } finally {
      await split.dispose();
    }
  });

  it('returns zero displacement for a zero load without iterating', async () => {
    const system = elasticityBox(2, 2, 2, 10);
    const result = await solver.solve(system.matrix, new Float64Array(system.rhs.length), options);
    expect(result.iterations).toBe(0);
    expect(result.x.every((v) => v === 0)).toBe(true);
  });
});

describe('planRowChunks', () => {
  it('covers every block row once, each chunk within the block limit', () => {
    const { pattern } = elasticityBox(4, 3, 2, 10).matrix;
    const chunks = planRowChunks(pattern, 100, 7);

    let row = 0;
    for (const chunk of chunks) {
      expect(chunk.rowStart).toBe(row);
      expect(chunk.blockStart).toBe(pattern.rowOffsets[chunk.rowStart]);
      expect(chunk.blockEnd).toBe(pattern.rowOffsets[chunk.rowEnd]);
      expect(chunk.blockEnd - chunk.blockStart).toBeLessThanOrEqual(100);
      expect(chunk.rowEnd - chunk.rowStart).toBeLessThanOrEqual(7);
      row = chunk.rowEnd;
    }
    expect(row).toBe(pattern.blockRowCount);
  });

  it('refuses a row with more blocks than one binding holds', () => {
    const { pattern } = elasticityBox(2, 2, 2, 10).matrix;
    // The centre node of a 2x2x2 box of Kuhn cubes couples to itself and 14 neighbours.
    expect(() => planRowChunks(pattern, 15, 100)).not.toThrow();
    expect(() => planRowChunks(pattern, 14, 100)).toThrow(/13 has 15 blocks, over 14 per/);
  });
});
