/**
 * The devices of this machine as the benchmark sees them: the bandwidth probes of the CPU
 * (JavaScript, wasm and native copies at one and all threads) and of every WebGPU adapter, and
 * the backends that can run here, each tied to its device's probe.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { projectPath } from '../core/paths.js';
import { float32Storage, float64Storage, type BackendSpec } from './backends.js';
import { errorLine, note, runChild } from './childProcess.js';
import type { BenchConfig } from './config.js';
import { buildNativeKernel } from './nativeKernel.js';
import { gpuDeviceLabel } from './probes/gpuCopy.js';
import { cpuName, runJsCopyProbes } from './probes/jsCopy.js';
import { runNativeCopyProbe } from './probes/nativeCopy.js';
import type { ProbeResult } from './probes/probe.js';
import { runWasmCopyProbe } from './probes/wasmCopy.js';

/**
 * The CPU backends that can run here, fastest first (native, wasm on all threads, wasm on one,
 * TypeScript), with the reasons for those that cannot.
 */
export function cpuBackends(config: BenchConfig, skipped: string[]): BackendSpec[] {
  const device = cpuName();
  const threads = availableParallelism();
  const common = { device, precision: float64Storage, maxUnknowns: Infinity, capReason: '' };
  const specs: BackendSpec[] = [];

  try {
    buildNativeKernel();
    specs.push({ ...common, id: 'native', kind: 'native', threads: 1, probeId: 'native-copy-1t' });
  } catch (error) {
    skipped.push(`native: ${errorLine(error)}`);
  }
  if (existsSync(projectPath('wasm', 'pkg', 'vph_kernel.wasm'))) {
    if (threads > 1) {
      const id = `wasm-${threads}t`;
      specs.push({ ...common, id, kind: 'wasm', threads, probeId: `wasm-copy-${threads}t` });
    }
    specs.push({ ...common, id: 'wasm-1t', kind: 'wasm', threads: 1, probeId: 'wasm-copy-1t' });
  } else {
    skipped.push('wasm: wasm/pkg/vph_kernel.wasm not built (npm run build:wasm)');
  }
  specs.push({ ...common, id: 'js', kind: 'js', threads: 1, probeId: 'js-copy' });

  if (config.onlyBackends) return specs.filter((s) => config.onlyBackends?.includes(s.kind));
  return specs;
}

/** GPU adapters with their probes (one child), as backends. */
export function gpuBackends(
  config: BenchConfig,
  work: string,
  probes: ProbeResult[],
  skipped: string[],
): BackendSpec[] {
  if (config.onlyBackends && !config.onlyBackends.includes('gpu')) return [];
  const found = runChild<{ adapterName: string; isSoftware: boolean; probe: ProbeResult }[]>(
    {
      mode: 'gpu-probe',
      arrayBytes: config.gpuProbeBytes,
      copiesPerSubmit: 4,
      repeats: config.probeRepeats,
      resultPath: join(work, 'gpu-probe.json'),
    },
    config.childTimeoutS,
  );
  if (!found.ok) {
    skipped.push(`gpu: no WebGPU adapter could be probed (${found.reason})`);
    return [];
  }
  return found.value.map((adapter, index) => {
    probes.push(adapter.probe);
    return {
      id: `gpu-${index}${adapter.isSoftware ? '-sw' : ''}`,
      kind: 'gpu',
      threads: 1,
      device: gpuDeviceLabel(adapter.adapterName, adapter.isSoftware),
      probeId: adapter.probe.id,
      precision: float32Storage,
      maxUnknowns: adapter.isSoftware ? config.softwareGpuMaxUnknowns : Infinity,
      capReason: 'software adapter (CPU-emulated, about 15x slower than native): size capped',
    };
  });
}

/** CPU probes, run in this process. */
export async function cpuProbes(config: BenchConfig): Promise<ProbeResult[]> {
  const threads = availableParallelism();
  const probes = runJsCopyProbes(config.probeBytes, config.benchmarkMaxTimeS);
  probes.push(await runWasmCopyProbe(config.probeBytes, 1, config.probeRepeats));
  if (threads > 1)
    probes.push(await runWasmCopyProbe(config.probeBytes, threads, config.probeRepeats));
  try {
    probes.push(runNativeCopyProbe(config.probeBytes, 1, config.probeRepeats));
    if (threads > 1)
      probes.push(runNativeCopyProbe(config.probeBytes, threads, config.probeRepeats));
  } catch (error) {
    note(`native copy probe failed: ${errorLine(error)}`);
  }
  return probes;
}
