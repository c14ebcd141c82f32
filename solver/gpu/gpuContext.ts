/**
 * The WebGPU device of the GPU backend (npm `webgpu`, Dawn's node bindings): finding an adapter,
 * opening a device with the adapter's own limits, and the one place where device loss and
 * uncaptured errors become exceptions that name the adapter and the limits involved.
 *
 * Software adapters (Mesa llvmpipe/lavapipe, SwiftShader, WARP) are recognised from the adapter
 * info so that `auto` can prefer a hardware adapter and otherwise fall back to the CPU kernel.
 */
import { create, globals } from 'webgpu';
import { UserError } from '../../core/errors.js';

/** Invocations per workgroup of every kernel, fed to the shaders' `workgroupSize` override. */
export const WORKGROUP_SIZE = 64;

/** Workgroups needed to cover `count` items, `perGroup` items per workgroup. */
export function dispatchCount(count: number, perGroup: number = WORKGROUP_SIZE): number {
  return Math.ceil(count / perGroup);
}

/** An adapter as `auto` sees it. */
export interface GpuAdapterSummary {
  /** Adapter description, e.g. 'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)'. */
  readonly name: string;
  /** True for a CPU-emulated adapter (llvmpipe, lavapipe, SwiftShader, WARP). */
  readonly isSoftware: boolean;
}

/** How to look for an adapter. */
export interface GpuAdapterOptions {
  /** Try the high-performance adapter first and take a hardware one when there is one. */
  readonly preferHardware?: boolean;
  /** Flags for Dawn's instance, e.g. ['backend=vulkan']; none by default. */
  readonly dawnFlags?: readonly string[];
}

/** The GPU failed underneath a computation: device lost, out of memory, invalid use. */
export class GpuDeviceError extends Error {
  override readonly name = 'GpuDeviceError';
}

const softwareAdapterPattern = /llvmpipe|lavapipe|swiftshader|software|warp|basic render/i;

function adapterName(adapter: GPUAdapter): string {
  const info = adapter.info;
  return info.description || info.device || `${info.vendor} ${info.architecture}`.trim();
}

function isSoftwareAdapter(adapter: GPUAdapter): boolean {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  if (info.isFallbackAdapter === true) return true;
  const text = [info.vendor, info.architecture, info.device, info.description].join(' ');
  return softwareAdapterPattern.test(text);
}

/**
 * Dawn instances by flags, kept for the life of the process: an instance collected while its
 * devices live crashes the process.
 */
const instances = new Map<string, GPU>();

function instance(flags: readonly string[]): GPU {
  const key = flags.join('\n');
  let gpu = instances.get(key);
  if (gpu === undefined) {
    Object.assign(globalThis, globals);
    gpu = create([...flags]);
    instances.set(key, gpu);
  }
  return gpu;
}

async function requestAdapter(options: GpuAdapterOptions): Promise<GPUAdapter | null> {
  const gpu = instance(options.dawnFlags ?? []);
  const preferences: GPUPowerPreference[] = options.preferHardware
    ? ['high-performance', 'low-power']
    : ['high-performance'];

  let fallback: GPUAdapter | null = null;
  for (const powerPreference of preferences) {
    const adapter = await gpu.requestAdapter({ powerPreference });
    if (adapter === null) continue;
    if (!isSoftwareAdapter(adapter)) return adapter;
    fallback ??= adapter;
  }
  return fallback;
}

/** The adapter the GPU backend would use, or null when WebGPU finds none. */
export async function findGpuAdapter(
  options: GpuAdapterOptions = {},
): Promise<GpuAdapterSummary | null> {
  const adapter = await requestAdapter(options);
  if (adapter === null) return null;
  return { name: adapterName(adapter), isSoftware: isSoftwareAdapter(adapter) };
}

/** The limits the backend depends on, as granted to its device (bytes, counts). */
export interface GpuLimits {
  /** Largest range of a buffer one storage binding may cover, in bytes. */
  readonly maxStorageBufferBindingSize: number;
  /** Largest buffer, in bytes. */
  readonly maxBufferSize: number;
  /** Largest workgroup count along one dispatch dimension. */
  readonly maxComputeWorkgroupsPerDimension: number;
}

/** A WebGPU device plus the adapter facts every error message names. */
export class GpuContext {
  /** Description of the adapter. */
  readonly adapterName: string;
  /** True for a CPU-emulated adapter. */
  readonly isSoftware: boolean;
  /** The device's limits (the adapter's own, as requested). */
  readonly limits: GpuLimits;
  /** The device. */
  readonly device: GPUDevice;
  private failure: GpuDeviceError | null = null;
  private disposed = false;

  private constructor(adapter: GPUAdapter, device: GPUDevice) {
    this.adapterName = adapterName(adapter);
    this.isSoftware = isSoftwareAdapter(adapter);
    this.device = device;
    this.limits = {
      maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
      maxBufferSize: device.limits.maxBufferSize,
      maxComputeWorkgroupsPerDimension: device.limits.maxComputeWorkgroupsPerDimension,
    };

    device.onuncapturederror = (event) => {
      this.failure ??= new GpuDeviceError(
        `WebGPU error on adapter '${this.adapterName}' ` +
          `(maxBufferSize ${this.limits.maxBufferSize} B, maxStorageBufferBindingSize ` +
          `${this.limits.maxStorageBufferBindingSize} B): ${firstLine(event.error.message)}`,
      );
    };
    void device.lost.then((info) => {
      if (this.disposed) return;
      this.failure ??= new GpuDeviceError(
        `WebGPU device lost on adapter '${this.adapterName}' (${info.reason}): ` +
          firstLine(info.message),
      );
    });
  }

  /**
   * Opens a device on the chosen adapter, requesting the adapter's own storage-binding and
   * buffer-size limits. Throws a {@link UserError} when there is no adapter at all.
   */
  static async open(options: GpuAdapterOptions = {}): Promise<GpuContext> {
    const adapter = await requestAdapter(options);
    if (adapter === null) {
      throw new UserError(
        'backend gpu: WebGPU (npm webgpu, Dawn) found no adapter on this machine; ' +
          'use --backend wasm or --backend js',
      );
    }

    const device = await adapter.requestDevice({
      label: 'metastra-vph solver device',
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
        maxStorageBuffersPerShaderStage: Math.min(
          8,
          adapter.limits.maxStorageBuffersPerShaderStage,
        ),
        maxComputeWorkgroupsPerDimension: adapter.limits.maxComputeWorkgroupsPerDimension,
        maxComputeInvocationsPerWorkgroup: Math.max(
          WORKGROUP_SIZE,
          Math.min(256, adapter.limits.maxComputeInvocationsPerWorkgroup),
        ),
      },
    });
    return new GpuContext(adapter, device);
  }

  /** Throws the first device loss or uncaptured error seen so far, if any. */
  throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }

  /**
   * A labelled buffer; throws a {@link GpuDeviceError} naming maxBufferSize when `size` (bytes)
   * exceeds it, or maxStorageBufferBindingSize when a storage buffer exceeds the binding limit.
   */
  createBuffer(label: string, size: number, usage: GPUBufferUsageFlags): GPUBuffer {
    this.throwIfFailed();
    const bytes = Math.max(16, Math.ceil(size / 4) * 4);
    if (bytes > this.limits.maxBufferSize) {
      throw this.limitError(label, bytes, 'maxBufferSize', this.limits.maxBufferSize);
    }
    const binding = this.limits.maxStorageBufferBindingSize;
    if ((usage & GPUBufferUsage.STORAGE) !== 0 && bytes > binding) {
      throw this.limitError(label, bytes, 'maxStorageBufferBindingSize', binding);
    }
    return this.device.createBuffer({ label, size: bytes, usage });
  }

  /** Waits for the queue to drain, then reports any failure on the device. */
  async finish(): Promise<void> {
    await this.device.queue.onSubmittedWorkDone();
    this.throwIfFailed();
  }

  /** Releases the device. */
  dispose(): void {
    this.disposed = true;
    this.device.destroy();
  }

  private limitError(label: string, bytes: number, limit: string, value: number): Error {
    return new GpuDeviceError(
      `WebGPU adapter '${this.adapterName}': ${label} needs ${bytes} B, over its ${limit} ` +
        `of ${value} B`,
    );
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
