/**
 * Loading the WGSL kernels from `shaders/` and building their compute pipelines, with the
 * workgroup size fed to every kernel's `workgroupSize` override from {@link WORKGROUP_SIZE}.
 */
import { readFileSync } from 'node:fs';
import { shaderPath } from '../../core/paths.js';
import { WORKGROUP_SIZE, type GpuContext } from './gpuContext.js';

const modules = new WeakMap<GPUDevice, Map<string, GPUShaderModule>>();

/**
 * The compiled module of `shaders/<fileName>`, cached per device. A shader that does not compile
 * is a broken contract: the error names the file, line and message.
 */
export async function loadShader(context: GpuContext, fileName: string): Promise<GPUShaderModule> {
  let cache = modules.get(context.device);
  if (cache === undefined) {
    cache = new Map();
    modules.set(context.device, cache);
  }
  const cached = cache.get(fileName);
  if (cached !== undefined) return cached;

  const code = readFileSync(shaderPath(fileName), 'utf8');
  const module = context.device.createShaderModule({ label: fileName, code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((message) => message.type === 'error');
  if (errors.length > 0) {
    const first = errors[0];
    throw new Error(`${fileName}:${first.lineNum}:${first.linePos}: ${first.message}`);
  }
  cache.set(fileName, module);
  return module;
}

/**
 * A compute pipeline for `entryPoint` of `shaders/<fileName>`, with `workgroupSize` and the
 * given override constants.
 */
export async function createKernel(
  context: GpuContext,
  fileName: string,
  entryPoint: string,
  constants: Record<string, number> = {},
): Promise<GPUComputePipeline> {
  const module = await loadShader(context, fileName);
  return context.device.createComputePipelineAsync({
    label: `${fileName} ${entryPoint}`,
    layout: 'auto',
    compute: { module, entryPoint, constants: { workgroupSize: WORKGROUP_SIZE, ...constants } },
  });
}

/** A labelled bind group over group 0 of `pipeline`, binding i to resources[i] where given. */
export function bindBuffers(
  context: GpuContext,
  label: string,
  pipeline: GPUComputePipeline,
  resources: Record<number, GPUBuffer>,
): GPUBindGroup {
  return context.device.createBindGroup({
    label,
    layout: pipeline.getBindGroupLayout(0),
    entries: Object.entries(resources).map(([binding, buffer]) => ({
      binding: Number(binding),
      resource: { buffer },
    })),
  });
}
