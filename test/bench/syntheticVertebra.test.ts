/**
 * The synthetic vertebra of the size series: a conforming, positively oriented Kuhn mesh of the
 * elliptic cylinder whose volume, faces, sizes and materials match the shape worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { ElementRegion } from '../../meshing/tetMesh.js';
import {
  buildSyntheticVertebra,
  capModulusMpa,
  defaultShape,
  shellModulusMpa,
  spacingForUnknowns,
} from '../../bench/syntheticVertebra.js';

function tetVolume(nodes: Float64Array, tets: Uint32Array, t: number): number {
  const p = [0, 1, 2, 3].map((a) => {
    const n = 3 * tets[4 * t + a];
    return [nodes[n], nodes[n + 1], nodes[n + 2]];
  });
  const e = [1, 2, 3].map((a) => [0, 1, 2].map((c) => p[a][c] - p[0][c]));
  const det =
    e[0][0] * (e[1][1] * e[2][2] - e[1][2] * e[2][1]) -
    e[0][1] * (e[1][0] * e[2][2] - e[1][2] * e[2][0]) +
    e[0][2] * (e[1][0] * e[2][1] - e[1][1] * e[2][0]);
  return det / 6;
}

describe('buildSyntheticVertebra', () => {
  const spacing = 2;
  const model = buildSyntheticVertebra(spacing);
  const { nodes, tets } = model.mesh;
  const elements = tets.length / 4;
  const height = defaultShape.boneHeightMm + 2 * defaultShape.capThicknessMm;

  it('fills whole grid cells inside the ellipse, six positive tetrahedra each', () => {
    // Cells of the 2 mm grid whose centre is inside the 20 x 15 mm ellipse, counted here.
    let cells = 0;
    for (let x = -20 + 1; x < 20; x += 2) {
      for (let y = -16 + 1; y < 16; y += 2) if ((x / 20) ** 2 + (y / 15) ** 2 <= 1) cells++;
    }
    const layers = Math.round(height / spacing);
    expect(elements).toBe(6 * cells * layers);

    let volume = 0;
    for (let t = 0; t < elements; t++) {
      const v = tetVolume(nodes, tets, t);
      expect(v).toBeGreaterThan(0);
      volume += v;
    }
    expect(volume).toBeCloseTo(cells * spacing * spacing * height, 6);
    // Against the ellipse itself: pi a b H, within the staircase error of a 2 mm grid.
    expect(Math.abs(volume / (Math.PI * 20 * 15 * height) - 1)).toBeLessThan(0.03);
  });

  it('conforms: every interior triangle is shared by exactly two tetrahedra', () => {
    const faces = new Map<string, number>();
    const local = [
      [0, 1, 2],
      [0, 1, 3],
      [0, 2, 3],
      [1, 2, 3],
    ];
    for (let t = 0; t < elements; t++) {
      for (const f of local) {
        const key = f
          .map((a) => tets[4 * t + a])
          .sort((a, b) => a - b)
          .join(',');
        faces.set(key, (faces.get(key) ?? 0) + 1);
      }
    }
    expect(Math.max(...faces.values())).toBe(2);
  });

  it('fixes the bottom face, loads the top face, along +z', () => {
    expect(model.axis).toEqual([0, 0, 1]);
    expect(model.heightMm).toBeCloseTo(height, 12);
    expect(model.fixedNodes.length).toBe(model.loadedNodes.length);
    for (const n of model.fixedNodes) expect(nodes[3 * n + 2]).toBe(0);
    for (const n of model.loadedNodes) expect(nodes[3 * n + 2]).toBeCloseTo(height, 9);
    expect(model.fixedNodes.length).toBe(nodes.length / 3 / (Math.round(height / spacing) + 1));
  });

  it('gives caps the cement modulus, the rim the shell modulus, the core less', () => {
    for (let t = 0; t < elements; t++) {
      let z = 0;
      let r = 0;
      for (let a = 0; a < 4; a++) {
        const n = 3 * tets[4 * t + a];
        z += nodes[n + 2] / 4;
        r += Math.hypot(nodes[n] / 20, nodes[n + 1] / 15) / 4;
      }
      if (z < 3) expect(model.region[t]).toBe(ElementRegion.CapInferior);
      else if (z > height - 3) expect(model.region[t]).toBe(ElementRegion.CapSuperior);
      else expect(model.region[t]).toBe(ElementRegion.Body);
      if (model.region[t] !== ElementRegion.Body) {
        expect(model.youngsModulusMpa[t]).toBe(capModulusMpa);
      } else if (r < 0.8) {
        expect(model.youngsModulusMpa[t]).toBeLessThan(920);
        expect(model.youngsModulusMpa[t]).toBeGreaterThanOrEqual(460);
      }
    }
    expect(Math.max(...model.youngsModulusMpa)).toBe(shellModulusMpa);
    expect(model.poissonRatio.every((nu) => nu === 0.3)).toBe(true);
  });

  it('sizes the grid for a requested number of unknowns', () => {
    for (const target of [10_000, 40_000]) {
      const m = buildSyntheticVertebra(spacingForUnknowns(target));
      expect(Math.abs(m.mesh.nodes.length / target - 1)).toBeLessThan(0.25);
    }
  });
});
