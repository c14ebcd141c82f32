/**
 * The GPU bandwidth probe: the copy kernel of shaders/copy_probe.wgsl (one 16-byte load and
 * store per invocation) run on the GPU backend's own device, `copiesPerSubmit` copies recorded
 * in one command buffer and timed from submit to onSubmittedWorkDone; best of `repeats`.
 */
import { dispatchCount, GpuContext, WORKGROUP_SIZE } from '../../solver/gpu/gpuContext.js';
import { bindBuffers, createKernel } from '../../solver/gpu/gpuShaders.js';
import { probeResult, type ProbeResult } from './probe.js';

/** How a GPU adapter is labelled in results: its name and whether it is software. */
export function gpuDeviceLabel(adapterName: string, isSoftware: boolean): string {
  return `gpu: ${adapterName} (${isSoftware ? 'software' : 'hardware'})`;
}

/** Bytes per copied element (one vec4<f32>). */
const elementBytes = 16;

/**
 * Runs the copy probe (result key `id`) on `context` with arrays of up to `arrayBytes` bytes
 * each, capped at the device's storage-binding limit.
 */
export async function runGpuCopyProbe(
  id: string,
  context: GpuContext,
  arrayBytes: number,
  copiesPerSubmit: number,
  repeats: number,
): Promise<ProbeResult> {
  const limit = context.limits.maxStorageBufferBindingSize;
  const bytes = Math.floor(Math.min(arrayBytes, limit) / elementBytes) * elementBytes;
  const elementCount = bytes / elementBytes;
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;

  // Buffers and the pipeline.
  const source = context.createBuffer('copy probe source', bytes, usage);
  const target = context.createBuffer('copy probe target', bytes, usage);
  const params = context.createBuffer(
    'copy probe params',
    16,
    GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  );
  const groups = dispatchCount(elementCount);
  const width = Math.min(groups, context.limits.maxComputeWorkgroupsPerDimension);
  const height = Math.ceil(groups / width);
  context.device.queue.writeBuffer(
    params,
    0,
    Uint32Array.from([elementCount, width * WORKGROUP_SIZE, 0, 0]),
  );
  const pipeline = await createKernel(context, 'copy_probe.wgsl', 'copy');
  const bindGroup = bindBuffers(context, 'copy probe bindings', pipeline, {
    0: source,
    1: target,
    2: params,
  });

  // One submit of several copies, timed end to end; the first round warms up.
  let best = Infinity;
  try {
    for (let round = 0; round <= repeats; round++) {
      const encoder = context.device.createCommandEncoder({ label: 'copy probe' });
      const pass = encoder.beginComputePass({ label: 'copy probe pass' });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      for (let c = 0; c < copiesPerSubmit; c++) pass.dispatchWorkgroups(width, height);
      pass.end();
      const start = performance.now();
      context.device.queue.submit([encoder.finish()]);
      await context.finish();
      const elapsed = (performance.now() - start) / copiesPerSubmit;
      if (round > 0) best = Math.min(best, elapsed);
    }
  } finally {
    source.destroy();
    target.destroy();
    params.destroy();
  }

  return probeResult({
    id,
    device: gpuDeviceLabel(context.adapterName, context.isSoftware),
    method: `WGSL copy_probe.wgsl, ${copiesPerSubmit} copies per submit, best of ${repeats}`,
    arrayBytes: bytes,
    timePerCopyMs: best,
    threads: 1,
  });
}
