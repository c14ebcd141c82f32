/**
 * The real CT samples of data/ as finite-element models and constrained systems, built once per
 * sample and element size and shared by the tests of one file.
 */
import { createLogger } from '../../core/log.js';
import { projectPath } from '../../core/paths.js';
import { loadVertebraImage, type LoadOptions } from '../../input/loadVertebra.js';
import { buildVertebraModel } from '../../meshing/buildModel.js';
import type { VertebraModel } from '../../meshing/tetMesh.js';
import type { BlockSparseMatrix } from '../../solver/blockSparse.js';
import { assembleStiffness } from '../../solver/fem/assembly.js';
import { compressionConditions, eliminateDirichlet } from '../../solver/fem/boundaryConditions.js';
import { buildMeshSparsity } from '../../solver/fem/sparsity.js';

/** A sample at one element size. */
export interface RealSample {
  readonly name: string;
  readonly input: LoadOptions;
  readonly elementSizeMm: number;
}

/** A built model and its compression system K u = f at `appliedStrain`. */
export interface RealSystem {
  readonly model: VertebraModel;
  readonly matrix: BlockSparseMatrix;
  readonly rhs: Float64Array;
}

/** VerSe 004 L2: density in mg/cm3, with its own labelled cement caps. */
export function verseSample(elementSizeMm: number): RealSample {
  return {
    name: 'VerSe 004 L2',
    elementSizeMm,
    input: {
      ctPath: projectPath('data', 'verse004-L2', 'density.nii.gz'),
      maskPath: projectPath('data', 'verse004-L2', 'labels.nii.gz'),
      inputUnits: 'density',
    },
  };
}

/** One lumbar level of the TotalSegmentator scan (Hounsfield units, generated caps). */
export function totalsegSample(level: string, elementSizeMm: number): RealSample {
  return {
    name: `TotalSegmentator ${level}`,
    elementSizeMm,
    input: {
      ctPath: projectPath('data', 'totalseg-lumbar', 'ct.nii.gz'),
      maskPath: projectPath('data', 'totalseg-lumbar', 'labels.nii.gz'),
      level,
      inputUnits: 'hu',
    },
  };
}

const built = new Map<string, Promise<RealSystem>>();

async function build(sample: RealSample, appliedStrain: number): Promise<RealSystem> {
  const log = createLogger(true);
  const { image } = await loadVertebraImage(sample.input, log);
  const { model } = await buildVertebraModel(image, { elementSizeMm: sample.elementSizeMm }, log);
  const materials = { youngsModulusMpa: model.youngsModulusMpa, poissonRatio: model.poissonRatio };
  const matrix = assembleStiffness(model.mesh, buildMeshSparsity(model.mesh), materials);
  const delta = appliedStrain * model.heightMm;
  const conditions = compressionConditions(model.fixedNodes, model.loadedNodes, model.axis, delta);
  const rhs = eliminateDirichlet(matrix, conditions);
  return { model, matrix, rhs };
}

/** The model and system of `sample`, built on first request and kept for the file's tests. */
export function realSystem(sample: RealSample, appliedStrain: number): Promise<RealSystem> {
  const key = `${sample.name} ${sample.elementSizeMm} ${appliedStrain}`;
  let system = built.get(key);
  if (system === undefined) {
    system = build(sample, appliedStrain);
    built.set(key, system);
  }
  return system;
}
