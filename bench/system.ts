/**
 * Benchmark systems: a vertebra model's compression load case assembled and constrained exactly
 * as the solve pipeline does it (solver/fem: sparsity once, element stiffness, symmetric
 * elimination of the prescribed displacements at 0.2 % apparent strain), and a small binary
 * cache so that each benchmark run (a child process) reads the system instead of rebuilding it.
 *
 * Cache layout (one folder per system): meta.json, then raw little-endian arrays
 * rowOffsets.u32, colIndices.u32, diagonalIndex.u32, values.f64, rhs.f64.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VertebraModel } from '../meshing/tetMesh.js';
import type { BlockSparseMatrix } from '../solver/blockSparse.js';
import { assembleStiffness } from '../solver/fem/assembly.js';
import { compressionConditions, eliminateDirichlet } from '../solver/fem/boundaryConditions.js';
import { buildMeshSparsity } from '../solver/fem/sparsity.js';

/** Apparent strain of the benchmark load case (the pipeline's default, 0.2 %). */
export const benchAppliedStrain = 0.002;

/** What a benchmark system is and how long it took to make. */
export interface SystemInfo {
  /** Problem key, e.g. 'synthetic-100k' or 'verse004-L2-h0.7'. */
  readonly id: string;
  /** One line for tables, e.g. 'synthetic vertebra, h 0.96 mm'. */
  readonly label: string;
  /** 'synthetic' or 'real'. */
  readonly kind: 'synthetic' | 'real';
  /** Element edge length (grid spacing for the synthetic ones), mm. */
  readonly edgeLengthMm: number;
  /** Nodes and tetrahedra of the mesh. */
  readonly nodes: number;
  readonly elements: number;
  /** Unknowns N = 3 * nodes (constrained ones included: they stay in the system). */
  readonly unknowns: number;
  /** Stored 3x3 blocks (both triangles). */
  readonly blocks: number;
  /** Wall time to build the mesh (and map materials, for real samples), ms. */
  readonly modelMs: number;
  /** Wall time to assemble and constrain, ms. */
  readonly assembleMs: number;
}

/** A constrained SPD system K u = f ready for any backend. */
export interface BenchSystem {
  readonly info: SystemInfo;
  readonly matrix: BlockSparseMatrix;
  /** Right-hand side f in N. */
  readonly rhs: Float64Array;
}

/** Assembles and constrains `model`'s compression case; `info` gets the sizes and timing. */
export function assembleSystem(
  model: VertebraModel,
  info: Omit<SystemInfo, 'nodes' | 'elements' | 'unknowns' | 'blocks' | 'assembleMs'>,
): BenchSystem {
  const start = performance.now();
  const { mesh } = model;
  const sparsity = buildMeshSparsity(mesh);
  const materials = { youngsModulusMpa: model.youngsModulusMpa, poissonRatio: model.poissonRatio };
  const matrix = assembleStiffness(mesh, sparsity, materials);
  const conditions = compressionConditions(
    model.fixedNodes,
    model.loadedNodes,
    model.axis,
    benchAppliedStrain * model.heightMm,
  );
  const rhs = eliminateDirichlet(matrix, conditions);

  return {
    info: {
      ...info,
      nodes: mesh.nodes.length / 3,
      elements: mesh.tets.length / 4,
      unknowns: rhs.length,
      blocks: matrix.pattern.colIndices.length,
      assembleMs: performance.now() - start,
    },
    matrix,
    rhs,
  };
}

/** Writes `system` into folder `dir` (created). */
export function writeSystem(dir: string, system: BenchSystem): void {
  mkdirSync(dir, { recursive: true });
  const { pattern, values } = system.matrix;
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(system.info));
  writeFileSync(join(dir, 'rowOffsets.u32'), pattern.rowOffsets);
  writeFileSync(join(dir, 'colIndices.u32'), pattern.colIndices);
  writeFileSync(join(dir, 'diagonalIndex.u32'), pattern.diagonalIndex);
  writeFileSync(join(dir, 'values.f64'), values);
  writeFileSync(join(dir, 'rhs.f64'), system.rhs);
}

/** A fresh, aligned copy of a file's bytes. */
function readBytes(path: string): ArrayBuffer {
  const buffer = readFileSync(path);
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
}

/** Reads a system written by {@link writeSystem}. */
export function readSystem(dir: string): BenchSystem {
  const info = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as SystemInfo;
  const rowOffsets = new Uint32Array(readBytes(join(dir, 'rowOffsets.u32')));
  const matrix: BlockSparseMatrix = {
    pattern: {
      blockRowCount: rowOffsets.length - 1,
      rowOffsets,
      colIndices: new Uint32Array(readBytes(join(dir, 'colIndices.u32'))),
      diagonalIndex: new Uint32Array(readBytes(join(dir, 'diagonalIndex.u32'))),
    },
    values: new Float64Array(readBytes(join(dir, 'values.f64'))),
  };
  const rhs = new Float64Array(readBytes(join(dir, 'rhs.f64')));
  if (rhs.length !== 3 * matrix.pattern.blockRowCount || info.unknowns !== rhs.length) {
    throw new Error(`benchmark system in ${dir} is inconsistent (${rhs.length} unknowns)`);
  }
  return { info, matrix, rhs };
}
