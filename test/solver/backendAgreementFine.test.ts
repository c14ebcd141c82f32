/**
 * VerSe 004 L2 at 2 mm (about 52,000 unknowns) on the WebGPU backend against the CPU path: the
 * one finer model of the agreement tests, kept apart because the software adapter takes about
 * half a minute on it. Compared at 1e-10 for the reason given in backendAgreementReal.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAnalysisOptions } from '../../cli/solvePipeline.js';
import { createLogger } from '../../core/log.js';
import { projectPath } from '../../core/paths.js';
import { createGpuSolver, findGpuAdapter, type GpuSolver } from '../../solver/gpu/gpuSolver.js';
import type { AnalysisOptions } from '../../solver/solveModel.js';
import { analyseModel } from '../../solver/solveModel.js';
import { createWasmSolver } from '../../solver/wasmSolver.js';
import { expectCertified, relativeDifference } from './agreementChecks.js';
import { realSystem, verseSample } from './realSamples.js';

const log = createLogger(true);
const tolerance = 1e-10;
const options: AnalysisOptions = {
  ...defaultAnalysisOptions,
  solve: { ...defaultAnalysisOptions.solve, relativeTolerance: tolerance },
};

const adapter = await findGpuAdapter();
const title =
  adapter === null
    ? 'WebGPU on VerSe at 2 mm: skipped, WebGPU found no adapter'
    : `WebGPU (${adapter.name}) against the CPU path on VerSe at 2 mm`;

describe.skipIf(adapter === null)(title, () => {
  let gpu: GpuSolver;
  beforeAll(async () => {
    execFileSync('bash', [projectPath('wasm', 'build.sh')], { stdio: 'inherit' });
    gpu = await createGpuSolver();
  });
  afterAll(async () => gpu.dispose());

  it('gives the CPU displacements, reaction force and failure load, certified', async () => {
    const sys = await realSystem(verseSample(2), options.appliedStrain);
    const wasm = await createWasmSolver();
    const cpu = await analyseModel(sys.model, wasm, options, log);
    await wasm.dispose();
    const result = await analyseModel(sys.model, gpu, options, log);

    expect(sys.rhs.length).toBeGreaterThan(40000);
    const { relativeResidual } = result.certificate;
    expectCertified({ x: result.displacementMm, relativeResidual }, sys.matrix, sys.rhs, tolerance);
    expect(relativeDifference(result.displacementMm, cpu.displacementMm)).toBeLessThan(1e-6);
    const gap = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    expect(gap(result.reactionForceN, cpu.reactionForceN)).toBeLessThan(1e-6);
    expect(gap(result.failure.failureLoadN, cpu.failure.failureLoadN)).toBeLessThan(1e-6);
  });
});
