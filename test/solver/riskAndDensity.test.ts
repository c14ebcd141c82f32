import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors.js';
import { VoxelRegion, type VertebraImage } from '../../input/volume.js';
import { ElementRegion, type VertebraModel } from '../../meshing/tetMesh.js';
import { parseBackend, selectBackend } from '../../solver/backends.js';
import { densityFigures } from '../../solver/post/densityFigures.js';
import {
  loadToStrength,
  physiologicalLoadN,
  riskCategory,
} from '../../solver/post/physiologicalLoads.js';
import { reportJson } from '../../solver/report.js';

describe('physiological loads', () => {
  it('anchors L4 standing at 0.66 * 0.50 MPa * 1800 mm2 for 70 kg', () => {
    expect(physiologicalLoadN('L4', 'standing')).toBeCloseTo(594, 9);
    expect(physiologicalLoadN('L4', 'flexion')).toBeCloseTo(0.66 * 1.1 * 1800, 9);
    expect(physiologicalLoadN('L4', 'lifting', 35)).toBeCloseTo((0.66 * 1.7 * 1800) / 2, 9);
  });

  it('scales other levels by the carried body-mass share (hand interpolation)', () => {
    // L4 share: halfway between L3 (49.11 %) and L5 (52.83 %) = 50.97 %.
    // L1 share: T10 32.78 % + 3/5 of the way to L3 49.11 % = 42.578 %.
    const l1 = (594 * 0.42578) / 0.5097;
    expect(physiologicalLoadN('L1', 'standing')).toBeCloseTo(l1, 6);
    expect(physiologicalLoadN('T1', 'standing', 80)).toBeCloseTo(
      ((594 * 0.1682) / 0.5097) * (80 / 70),
      6,
    );
  });

  it('gives the ratio and its uncalibrated category', () => {
    const result = loadToStrength('L4', 'lifting', 2000, 70);
    expect(result.ratio).toBeCloseTo(2019.6 / 2000, 9);
    expect(result.category).toBe('high');
    expect(result.calibrated).toBe(false);
    expect(riskCategory(0.69)).toBe('low');
    expect(riskCategory(0.7)).toBe('elevated');
    expect(riskCategory(1.0)).toBe('elevated');
    expect(() => physiologicalLoadN('L4', 'standing', -3)).toThrow(UserError);
  });
});

function cubeImage(region: VoxelRegion): VertebraImage {
  const dims: [number, number, number] = [12, 12, 12];
  const n = 12 ** 3;
  const regions = new Uint8Array(n);
  const density = new Float32Array(n);
  for (let k = 0; k < 12; k++) {
    for (let j = 0; j < 12; j++) {
      for (let i = 0; i < 12; i++) {
        const v = i + 12 * (j + 12 * k);
        density[v] = 100 + 10 * i + j;
        if (i >= 1 && i <= 10 && j >= 1 && j <= 10 && k >= 1 && k <= 10) regions[v] = region;
      }
    }
  }
  const voxelToWorld = Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  return {
    dims,
    voxelToWorld,
    spacingMm: [1, 1, 1],
    densityMgCm3: density,
    regions,
    invalid: new Uint8Array(n),
    calibrated: true,
  };
}

const tinyModel: VertebraModel = {
  mesh: { nodes: new Float64Array(12), tets: new Uint32Array(12) },
  region: Uint8Array.from([ElementRegion.Body, ElementRegion.Posterior, ElementRegion.CapSuperior]),
  youngsModulusMpa: new Float64Array(3),
  poissonRatio: new Float64Array(3),
  densityMgCm3: new Float64Array(3),
  axis: [0, 0, 1],
  fixedNodes: new Uint32Array(0),
  loadedNodes: new Uint32Array(0),
  heightMm: 31,
};

describe('density figures', () => {
  it('averages the BodyTrabecular voxels when labelled', () => {
    const figures = densityFigures(
      cubeImage(VoxelRegion.BodyTrabecular),
      tinyModel,
      Float64Array.from([5, 7, 11]),
    );
    // Mean over i, j in 1..10 of 100 + 10 i + j = 100 + 55 + 5.5.
    expect(figures.trabecularBmdMgCm3).toBeCloseTo(160.5, 9);
    expect(figures.trabecularVoxels).toBe(1000);
    expect(figures.bmdSource).toBe('BodyTrabecular label');
    expect(figures.boneVolumeMm3).toBe(12);
    expect(figures.bodyVolumeMm3).toBe(5);
    expect(figures.heightMm).toBe(31);
  });

  it('erodes body voxels by 2 mm when only the cortical label exists', () => {
    const figures = densityFigures(
      cubeImage(VoxelRegion.BodyCortical),
      tinyModel,
      new Float64Array(3),
    );
    // The 10-voxel cube (1..10) eroded by 2 voxels keeps 3..8 on each axis: 6^3 voxels with
    // mean 100 + 10 * 5.5 + 5.5.
    expect(figures.trabecularVoxels).toBe(216);
    expect(figures.trabecularBmdMgCm3).toBeCloseTo(160.5, 9);
    expect(figures.bmdSource).toBe('body voxels eroded by 2 mm');
  });
});

describe('backend choice and report', () => {
  it('parses backend names and creates the TypeScript backend', async () => {
    expect(parseBackend(undefined)).toBe('auto');
    expect(() => parseBackend('cuda')).toThrow(/--backend: 'cuda'/);
    const { solver } = await selectBackend('js');
    expect(solver.name).toBe('js');
  });

  it('serialises typed arrays and non-finite numbers as JSON data', () => {
    const text = reportJson({ a: Uint32Array.from([1, 2]), b: NaN, c: 1.5 });
    expect(JSON.parse(text)).toEqual({ a: [1, 2], b: null, c: 1.5 });
  });
});
