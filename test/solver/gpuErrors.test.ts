/**
 * The WebGPU backend's failure paths: no adapter, a lost device, a buffer over the adapter's
 * limits, an indefinite matrix and the iteration limit, each a clear error of the right type.
 */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors.js';
import { GpuContext, GpuDeviceError } from '../../solver/gpu/gpuContext.js';
import { createGpuSolver, findGpuAdapter } from '../../solver/gpu/gpuSolver.js';
import { SolverError } from '../../solver/linearSolver.js';
import { elasticityBox } from './gpuFixtures.js';

/** Dawn flags selecting a backend that does not exist on Linux: WebGPU then finds no adapter. */
const noAdapterFlags = ['backend=d3d12'];

const options = { relativeTolerance: 1e-8, maxIterations: 20000 };

describe('GPU adapter selection', () => {
  it('names the adapter and classifies software ones by their info', async () => {
    const adapter = await findGpuAdapter({ preferHardware: true });
    expect(adapter).not.toBeNull();
    const software = /llvmpipe|lavapipe|swiftshader/i.test(adapter!.name);
    if (software) expect(adapter!.isSoftware).toBe(true);
  });

  it('reports no adapter as null, and as a one-line user error for --backend gpu', async () => {
    expect(await findGpuAdapter({ dawnFlags: noAdapterFlags })).toBeNull();

    const attempt = createGpuSolver({ dawnFlags: noAdapterFlags });
    await expect(attempt).rejects.toThrow(UserError);
    await expect(attempt).rejects.toThrow(/^backend gpu: WebGPU .* found no adapter[^\n]*$/);
  });
});

describe('GPU device failures', () => {
  it('turns a lost device into an error naming the adapter', async () => {
    const solver = await createGpuSolver();
    const system = elasticityBox(4, 4, 4, 10);
    solver.context.device.destroy();

    const attempt = solver.solve(system.matrix, system.rhs, options);
    await expect(attempt).rejects.toThrow(GpuDeviceError);
    await expect(attempt).rejects.toThrow(solver.adapterName);
    await expect(attempt).rejects.toThrow(/device lost/);
    await solver.dispose();
  });

  it('refuses a buffer over maxBufferSize or a storage buffer over the binding limit', async () => {
    const context = await GpuContext.open();
    const { maxBufferSize, maxStorageBufferBindingSize } = context.limits;

    expect(() =>
      context.createBuffer('too large', maxBufferSize + 4, GPUBufferUsage.COPY_DST),
    ).toThrow(new RegExp(`over its maxBufferSize of ${maxBufferSize} B`));
    if (maxStorageBufferBindingSize < maxBufferSize) {
      const size = maxStorageBufferBindingSize + 4;
      expect(() => context.createBuffer('vector', size, GPUBufferUsage.STORAGE)).toThrow(
        /'.*': vector needs \d+ B, over its maxStorageBufferBindingSize/,
      );
    }
    context.dispose();
  });
});

describe('GPU binding limit', () => {
  it('names the limit when one block row alone exceeds the storage binding', async () => {
    const solver = await createGpuSolver({ maxStorageBindingBytes: 100 });
    const system = elasticityBox(2, 2, 2, 10);
    try {
      // The widest row is the centre node 13: itself and 14 neighbours, 15 blocks of 36 B.
      const attempt = solver.solve(system.matrix, system.rhs, options);
      await expect(attempt).rejects.toThrow(GpuDeviceError);
      await expect(attempt).rejects.toThrow(
        /block row 13 needs 540 B of values, over the storage binding of 100 B \(maxStorageBuff/,
      );
    } finally {
      await solver.dispose();
    }
  });
});

describe('GPU solve failures', () => {
  it('stops at the iteration limit with a SolverError', async () => {
    const solver = await createGpuSolver();
    const system = elasticityBox(6, 6, 6, 1000);
    try {
      const attempt = solver.solve(system.matrix, system.rhs, { ...options, maxIterations: 20 });
      await expect(attempt).rejects.toThrow(SolverError);
      await expect(attempt).rejects.toMatchObject({ failure: 'max-iterations' });
    } finally {
      await solver.dispose();
    }
  });

  it('refuses a matrix whose diagonal block is not positive definite', async () => {
    const solver = await createGpuSolver();
    const system = elasticityBox(3, 3, 3, 10);
    const values = Float64Array.from(system.matrix.values);
    const last = system.nodeCount - 1;
    values[9 * system.matrix.pattern.diagonalIndex[last] + 8] *= -1;
    const matrix = { pattern: system.matrix.pattern, values };
    try {
      const attempt = solver.solve(matrix, system.rhs, options);
      await expect(attempt).rejects.toMatchObject({ failure: 'diverged' });
      await expect(attempt).rejects.toThrow(`diagonal block of node ${last}`);
    } finally {
      await solver.dispose();
    }
  });

  it('refuses an indefinite matrix with SPD diagonal blocks', async () => {
    const solver = await createGpuSolver();
    // Two nodes, K = [[I, 2I], [2I, I]]: eigenvalues 3 and -1.
    const identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    const matrix = {
      pattern: {
        blockRowCount: 2,
        rowOffsets: Uint32Array.of(0, 2, 4),
        colIndices: Uint32Array.of(0, 1, 0, 1),
        diagonalIndex: Uint32Array.of(0, 3),
      },
      values: Float64Array.from([
        ...identity,
        ...identity.map((v) => 2 * v),
        ...identity.map((v) => 2 * v),
        ...identity,
      ]),
    };
    const rhs = Float64Array.of(1, 0, 0, 0, 0, 0);
    try {
      const attempt = solver.solve(matrix, rhs, options);
      await expect(attempt).rejects.toThrow(SolverError);
      await expect(attempt).rejects.toMatchObject({ failure: 'diverged' });
      await expect(attempt).rejects.toThrow(/not positive definite/);
    } finally {
      await solver.dispose();
    }
  });
});
