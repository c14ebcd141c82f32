import { describe, expect, it } from 'vitest';
import { createJsSolver } from '../../solver/jsSolver.js';
import { pcgBytesPerIteration, runNativeKernel } from '../../solver/wasmBench.js';
import { compressedBox, relativeDifference } from './wasmSystems.js';

describe('native build of the PCG kernel', () => {
  const system = compressedBox(7, 100, 3);
  const options = { relativeTolerance: 1e-8, maxIterations: 5000 };

  it('solves as the TypeScript reference does (same sums in the same order)', async () => {
    const reference = await createJsSolver().solve(system.matrix, system.rhs, options);
    const native = runNativeKernel(system.matrix, system.rhs, { ...options, matvecs: 2 });

    expect(native.converged).toBe(true);
    expect(native.iterations).toBe(reference.iterations);
    expect(relativeDifference(native.x, reference.x)).toBeLessThanOrEqual(1e-10);
    expect(native.relativeResidual).toBeCloseTo(reference.relativeResidual, 20);
    expect(native.matvecMs).toBeGreaterThan(0);
  });

  it('certifies a float32-stored matrix', () => {
    const native = runNativeKernel(system.matrix, system.rhs, {
      ...options,
      matrixPrecision: 'f32',
    });
    expect(native.relativeResidual).toBeLessThanOrEqual(1e-8);
  });

  it('stops at the iteration limit and says so', () => {
    const native = runNativeKernel(system.matrix, system.rhs, { ...options, maxIterations: 10 });
    expect(native.converged).toBe(false);
    expect(native.iterations).toBe(10);
    expect(native.relativeResidual).toBeGreaterThan(1e-8);
  });

  it('counts the bytes of an iteration from the sizes', () => {
    const rows = system.matrix.pattern.blockRowCount;
    const blocks = system.matrix.pattern.colIndices.length;
    // 8^3 nodes; blocks = nodes + 2 * (lattice edges of the Kuhn split: 7 directions).
    expect(rows).toBe(512);
    const edges = 3 * 7 * 8 * 8 + 3 * 7 * 7 * 8 + 7 * 7 * 7;
    expect(blocks).toBe(rows + 2 * edges);
    expect(pcgBytesPerIteration(system.matrix, 'f64')).toBe(76 * blocks + 364 * rows);
    expect(pcgBytesPerIteration(system.matrix, 'f32')).toBe(40 * blocks + 364 * rows);
  });
});
