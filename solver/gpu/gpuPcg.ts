/**
 * The float32 PCG iteration on the GPU with a block-Jacobi preconditioner. Every scalar (r . z,
 * p . q, alpha, beta) is computed and kept on the GPU; a whole group of iterations is recorded in
 * one command buffer, and the host reads back only r . r (and a breakdown flag) once per group.
 *
 * One iteration, as dispatched:
 *   q = A p (one dispatch per matrix chunk) -> partial p . q -> alpha = rz / pq
 *   -> x += alpha p, r -= alpha q, z = M r -> partial r . z -> beta = rz' / rz, rz = rz'
 *   -> p = z + beta p
 * Dot products reduce in a fixed order (workgroup trees, then one workgroup), so two runs on the
 * same adapter give the same bits.
 */
import { SolverError } from '../linearSolver.js';
import { dispatchCount, GpuDeviceError, WORKGROUP_SIZE, type GpuContext } from './gpuContext.js';
import type { GpuMatrix } from './gpuMatrix.js';
import { bindBuffers, createKernel } from './gpuShaders.js';

/** Slot of each PCG scalar in the scalars buffer, fed to the shaders as overrides. */
export const scalarSlots = { rz: 0, pq: 1, alpha: 2, beta: 3, rr: 4, breakdown: 5 } as const;

const SCALAR_BYTES = 8 * 4;

/** The compiled kernels of one device. */
export interface PcgKernels {
  readonly multiply: GPUComputePipeline;
  readonly partialDot: GPUComputePipeline;
  readonly finishRz: GPUComputePipeline;
  readonly finishAlpha: GPUComputePipeline;
  readonly finishBeta: GPUComputePipeline;
  readonly finishRr: GPUComputePipeline;
  readonly start: GPUComputePipeline;
  readonly updateXr: GPUComputePipeline;
  readonly updateP: GPUComputePipeline;
}

/** Compiles the PCG kernels for `context`. */
export async function createPcgKernels(context: GpuContext): Promise<PcgKernels> {
  const slots = {
    slotRz: scalarSlots.rz,
    slotPq: scalarSlots.pq,
    slotAlpha: scalarSlots.alpha,
    slotBeta: scalarSlots.beta,
    slotRr: scalarSlots.rr,
    slotBreakdown: scalarSlots.breakdown,
  };
  const vectorSlots = { slotAlpha: scalarSlots.alpha, slotBeta: scalarSlots.beta };
  const kernel = (file: string, entry: string, constants: Record<string, number> = {}) =>
    createKernel(context, file, entry, constants);
  const multiply = await kernel('pcg_spmv.wgsl', 'multiply');
  const partialDot = await kernel('pcg_dot.wgsl', 'partial_dot');
  const finishRz = await kernel('pcg_scalars.wgsl', 'finish_rz', slots);
  const finishAlpha = await kernel('pcg_scalars.wgsl', 'finish_alpha', slots);
  const finishBeta = await kernel('pcg_scalars.wgsl', 'finish_beta', slots);
  const finishRr = await kernel('pcg_scalars.wgsl', 'finish_rr', slots);
  const start = await kernel('pcg_vector.wgsl', 'start', vectorSlots);
  const updateXr = await kernel('pcg_vector.wgsl', 'update_xr', vectorSlots);
  const updateP = await kernel('pcg_vector.wgsl', 'update_p', vectorSlots);
  return {
    multiply,
    partialDot,
    finishRz,
    finishAlpha,
    finishBeta,
    finishRr,
    start,
    updateXr,
    updateP,
  };
}

/** How an inner solve ended. */
export interface InnerResult {
  /** The float32 solution of A_scaled y = rhs. */
  readonly y: Float32Array;
  /** Iterations run (whole groups). */
  readonly iterations: number;
  /** The recurrence's |r| / |rhs| at the last check (float32 arithmetic). */
  readonly relativeResidual: number;
  /** True when p . q or r . z stopped being positive (float32 loss of definiteness). */
  readonly breakdown: boolean;
}

/** Settings of one inner solve. */
export interface InnerSettings {
  /** Stop when the recurrence's |r| / |rhs| is at most this. */
  readonly tolerance: number;
  /** Stop after this many iterations at most. */
  readonly maxIterations: number;
  /** Iterations recorded per command buffer between two residual readbacks. */
  readonly checkInterval: number;
  /** Called after each readback with the iterations so far and the relative residual. */
  readonly onCheck?: (iterations: number, relativeResidual: number) => void;
}

/** A submitted group of iterations and its scalars, read back once the GPU has run it. */
interface GroupReadback {
  /** Iterations submitted up to and including this group. */
  readonly iterations: number;
  readonly scalars: Promise<Float32Array>;
}

/** GPU vectors, bind groups and readback buffers of PCG on one uploaded matrix. */
export class GpuPcg {
  private readonly context: GpuContext;
  private readonly kernels: PcgKernels;
  private readonly matrix: GpuMatrix;
  private readonly buffers: GPUBuffer[] = [];
  private readonly vectors: Record<'x' | 'p' | 'q' | 'r' | 'z', GPUBuffer>;
  private readonly scalars: GPUBuffer;
  private readonly scalarReadbacks: [GPUBuffer, GPUBuffer];
  private groupParity = 0;
  private readonly vectorReadback: GPUBuffer;
  private readonly groups: Record<string, GPUBindGroup> = {};
  private readonly chunkGroups: GPUBindGroup[];
  private readonly nodeGroups: number;

  constructor(context: GpuContext, kernels: PcgKernels, matrix: GpuMatrix) {
    this.context = context;
    this.kernels = kernels;
    this.matrix = matrix;
    const nodes = matrix.blockRowCount;
    this.nodeGroups = dispatchCount(nodes);
    if (this.nodeGroups > context.limits.maxComputeWorkgroupsPerDimension) {
      throw new Error(
        `${nodes} nodes need ${this.nodeGroups} workgroups, over adapter ` +
          `'${context.adapterName}' maxComputeWorkgroupsPerDimension`,
      );
    }

    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    const vector = (name: string) => this.buffer(`pcg ${name}`, 12 * nodes, storage);
    this.vectors = {
      x: vector('x'),
      p: vector('p'),
      q: vector('q'),
      r: vector('r'),
      z: vector('z'),
    };
    const partials = this.buffer('pcg partial sums', 4 * this.nodeGroups, storage);
    this.scalars = this.buffer('pcg scalars', SCALAR_BYTES, storage);
    const read = GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;
    this.scalarReadbacks = [
      this.buffer('pcg scalars readback (even groups)', SCALAR_BYTES, read),
      this.buffer('pcg scalars readback (odd groups)', SCALAR_BYTES, read),
    ];
    this.vectorReadback = this.buffer('pcg solution readback', 12 * nodes, read);

    const uniform = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    const sizes = this.buffer('pcg vector params', 16, uniform);
    context.device.queue.writeBuffer(sizes, 0, new Uint32Array([nodes, this.nodeGroups, 0, 0]));

    this.chunkGroups = matrix.chunks.map((chunk, index) => {
      const params = this.buffer(`matrix chunk ${index} params`, 16, uniform);
      const words = new Uint32Array([chunk.rowStart, chunk.rowEnd, chunk.blockStart, 0]);
      context.device.queue.writeBuffer(params, 0, words);
      return bindBuffers(context, `multiply chunk ${index}`, kernels.multiply, {
        0: matrix.rowOffsets,
        1: chunk.colIndices,
        2: chunk.values,
        3: this.vectors.p,
        4: this.vectors.q,
        5: params,
      });
    });

    const { x, p, q, r, z } = this.vectors;
    const dot = (a: GPUBuffer, b: GPUBuffer, label: string) =>
      bindBuffers(context, label, kernels.partialDot, { 0: a, 1: b, 2: partials, 3: sizes });
    this.groups.dotPq = dot(p, q, 'dot p.q');
    this.groups.dotRz = dot(r, z, 'dot r.z');
    this.groups.dotRr = dot(r, r, 'dot r.r');
    for (const name of ['finishRz', 'finishAlpha', 'finishBeta', 'finishRr'] as const) {
      const resources = { 0: partials, 1: this.scalars, 2: sizes };
      this.groups[name] = bindBuffers(context, name, kernels[name], resources);
    }
    const inverse = matrix.inverseDiagonal;
    this.groups.start = bindBuffers(context, 'start', kernels.start, {
      1: p,
      4: r,
      5: z,
      6: inverse,
      7: sizes,
    });
    this.groups.updateXr = bindBuffers(context, 'update x r z', kernels.updateXr, {
      0: this.scalars,
      1: p,
      2: q,
      3: x,
      4: r,
      5: z,
      6: inverse,
      7: sizes,
    });
    this.groups.updateP = bindBuffers(context, 'update p', kernels.updateP, {
      0: this.scalars,
      1: p,
      5: z,
      7: sizes,
    });
  }

  /**
   * Runs PCG on A_scaled y = rhs from y = 0 until the recurrence's relative residual reaches the
   * tolerance, the iteration limit, or a breakdown.
   */
  async solve(rhs: Float32Array, settings: InnerSettings): Promise<InnerResult> {
    if (!(settings.maxIterations >= 1 && settings.checkInterval >= 1)) {
      throw new Error('inner PCG needs maxIterations and checkInterval of at least 1');
    }
    const queue = this.context.device.queue;
    const rhsNorm = euclideanNorm(rhs);
    queue.writeBuffer(this.vectors.r, 0, rhs);

    const encoder = this.context.device.createCommandEncoder({ label: 'pcg start' });
    encoder.clearBuffer(this.vectors.x);
    const pass = encoder.beginComputePass({ label: 'pcg start' });
    this.dispatch(pass, this.kernels.start, this.groups.start, this.nodeGroups);
    this.reduce(pass, this.groups.dotRz, this.kernels.finishRz, this.groups.finishRz);
    pass.end();
    queue.submit([encoder.finish({ label: encoder.label })]);

    // Group g + 1 is submitted before group g's scalars are read, so the GPU never waits for
    // the host; the group in flight when the residual is met only improves the solution.
    let submitted = 0;
    const submitGroup = (): GroupReadback => {
      const count = Math.min(settings.checkInterval, settings.maxIterations - submitted);
      submitted += count;
      const scalars = this.runIterations(count);
      scalars.catch(() => undefined); // observed below, or abandoned when an earlier group fails
      return { iterations: submitted, scalars };
    };

    let inFlight = submitGroup();
    let last: GroupReadback;
    for (;;) {
      const next = submitted < settings.maxIterations ? submitGroup() : null;
      const done = this.isDone(await inFlight.scalars, inFlight.iterations, rhsNorm, settings);
      if (done || next === null) {
        last = next ?? inFlight;
        break;
      }
      inFlight = next;
    }

    const scalars = await last.scalars;
    const relativeResidual = Math.sqrt(Math.max(0, scalars[scalarSlots.rr])) / rhsNorm;
    const breakdown = scalars[scalarSlots.breakdown] !== 0;
    const iterations = last.iterations;
    const y = await this.readVector(this.vectors.x);
    return { y, iterations, relativeResidual, breakdown };
  }

  /** Checks one group's scalars: true when converged or broken down; throws on NaN. */
  private isDone(
    scalars: Float32Array,
    iterations: number,
    rhsNorm: number,
    settings: InnerSettings,
  ): boolean {
    const relativeResidual = Math.sqrt(Math.max(0, scalars[scalarSlots.rr])) / rhsNorm;
    if (!Number.isFinite(relativeResidual)) {
      throw new SolverError('not-a-number', iterations, relativeResidual, 'float32 GPU PCG');
    }
    settings.onCheck?.(iterations, relativeResidual);
    return scalars[scalarSlots.breakdown] !== 0 || relativeResidual <= settings.tolerance;
  }

  /** Frees the vectors and readback buffers (not the matrix). */
  dispose(): void {
    for (const buffer of this.buffers) buffer.destroy();
  }

  private buffer(label: string, size: number, usage: GPUBufferUsageFlags): GPUBuffer {
    const buffer = this.context.createBuffer(label, size, usage);
    this.buffers.push(buffer);
    return buffer;
  }

  private dispatch(
    pass: GPUComputePassEncoder,
    pipeline: GPUComputePipeline,
    group: GPUBindGroup,
    workgroups: number,
  ): void {
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(workgroups);
  }

  /** Records a dot product: partial sums, then one workgroup finishing into a scalar. */
  private reduce(
    pass: GPUComputePassEncoder,
    dotGroup: GPUBindGroup,
    finish: GPUComputePipeline,
    finishGroup: GPUBindGroup,
  ): void {
    this.dispatch(pass, this.kernels.partialDot, dotGroup, this.nodeGroups);
    this.dispatch(pass, finish, finishGroup, 1);
  }

  /**
   * Records and submits `count` iterations plus r . r, then reads the scalars back through the
   * readback buffers in turn (two groups are in flight at most).
   */
  private async runIterations(count: number): Promise<Float32Array> {
    const { kernels, groups } = this;
    const encoder = this.context.device.createCommandEncoder({ label: `pcg ${count} iterations` });
    const pass = encoder.beginComputePass({ label: `pcg ${count} iterations` });

    for (let i = 0; i < count; i++) {
      this.matrix.chunks.forEach((chunk, index) => {
        const workgroups = dispatchCount(chunk.rowEnd - chunk.rowStart, WORKGROUP_SIZE);
        this.dispatch(pass, kernels.multiply, this.chunkGroups[index], workgroups);
      });
      this.reduce(pass, groups.dotPq, kernels.finishAlpha, groups.finishAlpha);
      this.dispatch(pass, kernels.updateXr, groups.updateXr, this.nodeGroups);
      this.reduce(pass, groups.dotRz, kernels.finishBeta, groups.finishBeta);
      this.dispatch(pass, kernels.updateP, groups.updateP, this.nodeGroups);
    }
    this.reduce(pass, groups.dotRr, kernels.finishRr, groups.finishRr);
    pass.end();

    const readback = this.scalarReadbacks[this.groupParity++ % 2];
    encoder.copyBufferToBuffer(this.scalars, 0, readback, 0, SCALAR_BYTES);
    this.context.device.queue.submit([encoder.finish({ label: encoder.label })]);
    const bytes = await this.mapRead(readback);
    return new Float32Array(bytes);
  }

  private async readVector(vector: GPUBuffer): Promise<Float32Array> {
    const encoder = this.context.device.createCommandEncoder({ label: 'pcg read solution' });
    encoder.copyBufferToBuffer(vector, 0, this.vectorReadback, 0, vector.size);
    this.context.device.queue.submit([encoder.finish({ label: encoder.label })]);
    const bytes = await this.mapRead(this.vectorReadback);
    return new Float32Array(bytes, 0, 3 * this.matrix.blockRowCount);
  }

  /** Maps a readback buffer, copies its contents out and unmaps it. */
  private async mapRead(buffer: GPUBuffer): Promise<ArrayBuffer> {
    this.context.throwIfFailed();
    try {
      await buffer.mapAsync(GPUMapMode.READ);
    } catch (error) {
      this.context.throwIfFailed();
      const message = error instanceof Error ? error.message : String(error);
      const adapter = this.context.adapterName;
      throw new GpuDeviceError(`WebGPU adapter '${adapter}': reading ${buffer.label}: ${message}`);
    }
    const bytes = buffer.getMappedRange().slice(0);
    buffer.unmap();
    this.context.throwIfFailed();
    return bytes;
  }
}

/** The Euclidean norm of `v`, summed in float64. */
function euclideanNorm(v: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  return Math.sqrt(sum);
}
