/**
 * Every PCG backend gives the same certified answer on every verification case of the FE core:
 * the patch test, the prism in uniaxial stress, two layers in series, a core in a shell, and the
 * irregular box compared with CalculiX. The answers are also held to the closed forms.
 *
 * WebAssembly with one thread runs the reference's sums in the reference's order, so it must
 * match to 1e-10 with the same iteration count (one allowed); with two threads it sums in
 * another order and must stay within 1e-6. The GPU iterates in float32 and refines in float64:
 * two certified solutions may differ by about cond(K) times the tolerance, so the GPU and the
 * CPU path are compared at 1e-10, where that bound stays far below the 1e-6 demanded.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../core/paths.js';
import { createGpuSolver, findGpuAdapter, type GpuSolver } from '../../solver/gpu/gpuSolver.js';
import { createJsSolver } from '../../solver/jsSolver.js';
import { defaultSolveOptions, type LinearSolver } from '../../solver/linearSolver.js';
import { createWasmSolver } from '../../solver/wasmSolver.js';
import { expectCertified, reactionForce, relativeDifference } from './agreementChecks.js';
import { verificationCases, type VerificationCase } from './verificationCases.js';

const tolerance = defaultSolveOptions.relativeTolerance;
const gpuTolerance = 1e-10;
const cases = verificationCases();
const adapter = await findGpuAdapter();
const gpuTitle =
  adapter === null
    ? 'WebGPU against the CPU path: skipped, WebGPU found no adapter'
    : `WebGPU (${adapter.name}) against the CPU path`;

/** Holds a solution to the case's closed form: stiffness to 1e-6, displacements to 1e-9 mm. */
function expectClosedForm(c: VerificationCase, x: Float64Array): void {
  const force = reactionForce(c.mesh, c.materials, x, c.reactionNodes, c.axis);
  if (c.expectedStiffnessNPerMm !== undefined) {
    const stiffness = Math.abs(force) / c.deltaMm;
    expect(Math.abs(stiffness / c.expectedStiffnessNPerMm - 1)).toBeLessThan(1e-6);
  }
  if (c.exactDisplacementMm !== undefined) {
    let worst = 0;
    for (let k = 0; k < x.length; k++) {
      worst = Math.max(worst, Math.abs(x[k] - c.exactDisplacementMm(Math.floor(k / 3), k % 3)));
    }
    expect(worst).toBeLessThan(1e-9);
  }
}

beforeAll(() => {
  execFileSync('bash', [projectPath('wasm', 'build.sh')], { stdio: 'inherit' });
});

describe('WebAssembly (one thread) against TypeScript on the verification cases', () => {
  let wasm: LinearSolver;
  beforeAll(async () => {
    wasm = await createWasmSolver();
  });
  afterAll(async () => wasm.dispose());

  it.each(cases)('$name: same displacements and iterations, both certified', async (c) => {
    const options = defaultSolveOptions;
    const reference = await createJsSolver().solve(c.matrix, c.rhs, options);
    const result = await wasm.solve(c.matrix, c.rhs, options);

    expectCertified(reference, c.matrix, c.rhs, tolerance);
    expectCertified(result, c.matrix, c.rhs, tolerance);
    expect(result.iterations).toBeGreaterThan(0);
    expect(Math.abs(result.iterations - reference.iterations)).toBeLessThanOrEqual(1);
    expect(relativeDifference(result.x, reference.x)).toBeLessThanOrEqual(1e-10);
    expectClosedForm(c, result.x);
  });
});

describe('WebAssembly (two threads) against TypeScript on the verification cases', () => {
  let wasm: LinearSolver;
  beforeAll(async () => {
    wasm = await createWasmSolver({ threads: 2 });
  });
  afterAll(async () => wasm.dispose());

  it.each(cases)('$name: certified, displacements within 1e-6', async (c) => {
    const reference = await createJsSolver().solve(c.matrix, c.rhs, defaultSolveOptions);
    const result = await wasm.solve(c.matrix, c.rhs, defaultSolveOptions);

    expectCertified(result, c.matrix, c.rhs, tolerance);
    expect(result.backend).toBe('wasm (2 threads)');
    expect(relativeDifference(result.x, reference.x)).toBeLessThan(1e-6);
    expectClosedForm(c, result.x);
  });
});

describe.skipIf(adapter === null)(gpuTitle, () => {
  let gpu: GpuSolver;
  let cpu: LinearSolver;
  beforeAll(async () => {
    gpu = await createGpuSolver();
    cpu = await createWasmSolver();
  });
  afterAll(async () => {
    await gpu.dispose();
    await cpu.dispose();
  });

  it.each(cases)('$name: same displacements and reaction force, certified', async (c) => {
    const options = { ...defaultSolveOptions, relativeTolerance: gpuTolerance };
    const reference = await cpu.solve(c.matrix, c.rhs, options);
    const result = await gpu.solve(c.matrix, c.rhs, options);

    expectCertified(result, c.matrix, c.rhs, gpuTolerance);
    expect(result.backend).toContain(gpu.adapterName);
    expect(relativeDifference(result.x, reference.x)).toBeLessThan(1e-6);
    const force = reactionForce(c.mesh, c.materials, result.x, c.reactionNodes, c.axis);
    const cpuForce = reactionForce(c.mesh, c.materials, reference.x, c.reactionNodes, c.axis);
    expect(Math.abs(force - cpuForce) / Math.abs(cpuForce)).toBeLessThan(1e-6);
    expectClosedForm(c, result.x);
  });
});
