/**
 * Choice of the PCG backend for `vph solve --backend auto|js|wasm|gpu`.
 *
 * 'js' is the TypeScript reference (always present). 'wasm' (solver/wasmSolver.ts) and 'gpu'
 * (solver/gpu/gpuSolver.ts) are loaded lazily by dynamic import, so a build without them still
 * runs; asking for one that cannot be loaded or started is a UserError naming the reason, never
 * a silent fallback. 'auto' takes a hardware GPU adapter when WebGPU finds one, else the
 * WebAssembly backend, else 'js', and records why in `reason`.
 */
import { UserError } from '../core/errors.js';
import { createJsSolver } from './jsSolver.js';
import type { LinearSolver } from './linearSolver.js';

/** Backends a user can ask for. */
export const backendNames = ['auto', 'js', 'wasm', 'gpu'] as const;

/** A backend request. */
export type BackendName = (typeof backendNames)[number];

/** The chosen solver and why it was chosen. */
export interface SelectedBackend {
  readonly solver: LinearSolver;
  readonly reason: string;
}

interface WasmModule {
  createWasmSolver(options?: { threads?: number }): Promise<LinearSolver>;
}

interface GpuModule {
  createGpuSolver(options?: { preferHardware?: boolean }): Promise<LinearSolver>;
  findGpuAdapter(options?: {
    preferHardware?: boolean;
  }): Promise<{ name: string; isSoftware: boolean } | null>;
}

// Module paths kept in variables: the optional backends are resolved at run time only.
const wasmModulePath = './wasmSolver.js';
const gpuModulePath = './gpu/gpuSolver.js';

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

async function loadWasm(): Promise<WasmModule> {
  const module = (await import(wasmModulePath)) as Partial<WasmModule>;
  if (typeof module.createWasmSolver !== 'function') throw new Error('createWasmSolver missing');
  return module as WasmModule;
}

async function loadGpu(): Promise<GpuModule> {
  const module = (await import(gpuModulePath)) as Partial<GpuModule>;
  if (typeof module.createGpuSolver !== 'function' || typeof module.findGpuAdapter !== 'function') {
    throw new Error('createGpuSolver or findGpuAdapter missing');
  }
  return module as GpuModule;
}

/** Parses the --backend value; anything else is a UserError. */
export function parseBackend(text: string | undefined): BackendName {
  const value = text ?? 'auto';
  if (!(backendNames as readonly string[]).includes(value)) {
    throw new UserError(`--backend: '${value}' is not one of ${backendNames.join(', ')}`);
  }
  return value as BackendName;
}

/** Options of {@link selectBackend}. */
export interface BackendOptions {
  /** Worker threads of the WebAssembly backend (default 1: bit-identical to the reference). */
  readonly wasmThreads?: number;
}

/** Creates the requested backend (see the module comment for 'auto'). */
export async function selectBackend(
  name: BackendName,
  options: BackendOptions = {},
): Promise<SelectedBackend> {
  const wasmOptions = { threads: options.wasmThreads ?? 1 };
  if (name === 'js') return { solver: createJsSolver(), reason: 'requested' };

  if (name === 'wasm') {
    try {
      return {
        solver: await (await loadWasm()).createWasmSolver(wasmOptions),
        reason: 'requested',
      };
    } catch (error) {
      throw new UserError(
        `--backend wasm: the WebAssembly backend is unavailable (${reasonOf(error)})`,
      );
    }
  }

  if (name === 'gpu') {
    let gpu: GpuModule;
    try {
      gpu = await loadGpu();
    } catch (error) {
      throw new UserError(`--backend gpu: the WebGPU backend is unavailable (${reasonOf(error)})`);
    }
    const adapter = await gpu.findGpuAdapter({ preferHardware: true });
    if (adapter === null) throw new UserError('--backend gpu: WebGPU found no adapter');
    const kind = adapter.isSoftware ? 'software' : 'hardware';
    return {
      solver: await gpu.createGpuSolver({ preferHardware: true }),
      reason: `requested; adapter ${adapter.name} (${kind})`,
    };
  }

  // auto: hardware GPU, else WebAssembly, else TypeScript.
  const notes: string[] = [];
  try {
    const gpu = await loadGpu();
    const adapter = await gpu.findGpuAdapter({ preferHardware: true });
    if (adapter !== null && !adapter.isSoftware) {
      const solver = await gpu.createGpuSolver({ preferHardware: true });
      return { solver, reason: `auto: hardware GPU adapter ${adapter.name}` };
    }
    notes.push(adapter === null ? 'no GPU adapter' : `GPU adapter ${adapter.name} is software`);
  } catch (error) {
    notes.push(`GPU unavailable (${reasonOf(error)})`);
  }
  try {
    const solver = await (await loadWasm()).createWasmSolver(wasmOptions);
    return { solver, reason: `auto: ${notes.join('; ')}; WebAssembly` };
  } catch (error) {
    notes.push(`WebAssembly unavailable (${reasonOf(error)})`);
  }
  return { solver: createJsSolver(), reason: `auto: ${notes.join('; ')}; TypeScript` };
}
