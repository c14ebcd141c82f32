/**
 * The benchmark's byte counts and its wasm copy probe, against counts made by hand.
 */
import { describe, expect, it } from 'vitest';
import { createWasmCopier, copyModuleBytes } from '../../bench/probes/wasmCopy.js';
import { probeResult } from '../../bench/probes/probe.js';
import { RunPlanner } from '../../bench/planner.js';
import { float32Storage, float64Storage, type BackendSpec } from '../../bench/backends.js';
import { gigabytesPerSecond, matVecBytes, pcgIterationBytes } from '../../bench/trafficModel.js';
import type { RunRecord } from '../../bench/runRecord.js';
import type { SystemInfo } from '../../bench/system.js';

describe('traffic model', () => {
  it('counts one block row with one block by hand', () => {
    // 3 unknowns, 1 block. float64: block 72 + index 4, offsets 2 x 4, vectors 8 per entry.
    const size = { unknowns: 3, blocks: 1 };
    expect(matVecBytes(size, float64Storage)).toBe(72 + 4 + 8 + 2 * 3 * 8);
    expect(pcgIterationBytes(size, float64Storage)).toBe(72 + 4 + 8 + 20 * 3 * 8);
    // float32: block 36 + index 4, offsets 8, vectors 4 per entry.
    expect(pcgIterationBytes(size, float32Storage)).toBe(36 + 4 + 8 + 20 * 3 * 4);
  });

  it('gives about 540 B per unknown in float64 at 15 blocks per block row', () => {
    const n = 300_000;
    const bytes = pcgIterationBytes({ unknowns: n, blocks: 15 * (n / 3) }, float64Storage);
    // 5 blocks per unknown x 76 B + 4/3 B of offsets + 160 B of vectors.
    expect(bytes / n).toBeCloseTo(5 * 76 + 160 + (4 * (n / 3 + 1)) / n, 9);
  });

  it('turns bytes and milliseconds into GB/s', () => {
    expect(gigabytesPerSecond(2e9, 1000)).toBe(2);
    expect(
      probeResult({
        id: 'p',
        device: 'd',
        method: 'm',
        arrayBytes: 5e8,
        timePerCopyMs: 100,
        threads: 1,
      }).gigabytesPerSecond,
    ).toBeCloseTo(10, 12);
  });
});

describe('wasm copy probe module', () => {
  it('is valid WebAssembly and copies every byte', () => {
    const bytes = copyModuleBytes();
    expect(Array.from(bytes.slice(0, 4))).toEqual([0x00, 0x61, 0x73, 0x6d]);
    const copier = createWasmCopier(64 * 1024);
    copier.copy();
    expect(copier.verify()).toBe(true);
  });

  it('refuses sizes that are not a multiple of its 64-byte stride', () => {
    expect(() => createWasmCopier(100)).toThrow(/multiple of 64/);
  });
});

describe('run planner', () => {
  const spec: BackendSpec = {
    id: 'js',
    kind: 'js',
    threads: 1,
    device: 'cpu',
    probeId: 'js-copy',
    precision: float64Storage,
    maxUnknowns: Infinity,
    capReason: '',
  };
  const system = (id: string, unknowns: number): SystemInfo => ({
    id,
    label: id,
    kind: 'synthetic',
    edgeLengthMm: 1,
    nodes: unknowns / 3,
    elements: 1,
    unknowns,
    blocks: 5 * unknowns,
    modelMs: 1,
    assembleMs: 1,
  });

  it('predicts from the last speed and N^(1/3) iteration growth, and skips long runs', () => {
    const planner = new RunPlanner({ maxRunS: 100, maxFirstRunS: 100, totalBudgetS: 1e6 });
    expect(planner.skipReason(spec, system('a', 3000), 1)).toBeNull();
    planner.record({
      problemId: 'a',
      backendId: 'js',
      unknowns: 3000,
      iterations: 100,
      gigabytesPerSecond: 1,
    } as RunRecord);

    // 8x the unknowns: 200 iterations; bytes per iteration by hand.
    const big = system('b', 24000);
    const bytes = 5 * 24000 * 76 + 4 * (8000 + 1) + 20 * 24000 * 8;
    expect(planner.predictSeconds(spec, big, 2)).toBeCloseTo((2 * 200 * bytes) / 1e9, 9);

    const huge = system('c', 3000 * 1e6);
    expect(planner.skipReason(spec, huge, 1)).toMatch(/predicted \d+ s > 100 s per run/);
  });
});
