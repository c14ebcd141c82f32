import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors.js';
import { mapElementMaterial, tetQuadratureDegree5 } from '../../meshing/materialMapping.js';
import { materialLaw } from '../../meshing/materialLaws.js';
import { diagonalAffine, syntheticImage } from './fixtures.js';

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

/** Simpson's rule of f over [0, length] with 2 * half intervals. */
function simpson(f: (x: number) => number, length: number, half = 2000): number {
  const h = length / (2 * half);
  let sum = f(0) + f(length);
  for (let i = 1; i < 2 * half; i++) sum += (i % 2 ? 4 : 2) * f(i * h);
  return (sum * h) / 3;
}

describe('tetrahedral quadrature', () => {
  it('integrates barycentric monomials up to degree 5 exactly', () => {
    const { barycentric, weights } = tetQuadratureDegree5;
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (let a = 0; a <= 5; a++) {
      for (let b = 0; a + b <= 5; b++) {
        for (let c = 0; a + b + c <= 5; c++) {
          // mean of l0^a l1^b l2^c over the tetrahedron: 3! a! b! c! / (a + b + c + 3)!
          const exact = (6 * factorial(a) * factorial(b) * factorial(c)) / factorial(a + b + c + 3);
          let rule = 0;
          for (let q = 0; q < weights.length; q++) {
            const l = barycentric.subarray(4 * q, 4 * q + 4);
            rule += weights[q] * l[0] ** a * l[1] ** b * l[2] ** c;
          }
          expect(rule).toBeCloseTo(exact, 12);
        }
      }
    }
  });
});

describe('material mapping', () => {
  // A linear density ramp rho = 100 + 25 x (mg/cm3, x in mm) on 0.25 mm voxels, and the corner
  // tetrahedron (0,0,0), (L,0,0), (0,L,0), (0,0,L) with L = 8 mm: its cross-section at x is a
  // right triangle of area (L - x)^2 / 2, so the mean of any f(rho(x)) over it is
  // (6 / L^3) * integral_0^L f(rho(x)) (L - x)^2 / 2 dx, evaluated by Simpson's rule.
  const spacing = 0.25;
  const ramp = (x: number) => 100 + 25 * x;
  const image = syntheticImage(
    [41, 41, 41],
    diagonalAffine([spacing, spacing, spacing], [-1, -1, -1]),
    (i) => ({ region: 1, density: ramp(-1 + spacing * i) }),
  );
  const L = 8;
  const mesh = {
    nodes: Float64Array.from([0, 0, 0, L, 0, 0, 0, L, 0, 0, 0, L]),
    tets: Uint32Array.from([0, 1, 2, 3]),
  };
  const boneVoxels = new Uint8Array(image.regions.length).fill(1);
  const options = { boneVoxels, boneElements: Uint8Array.from([1]) };
  const mean = (f: (x: number) => number) =>
    (6 / L ** 3) * simpson((x) => (f(x) * (L - x) ** 2) / 2, L);

  it('maps a linear law exactly and the mean density exactly', () => {
    const law = materialLaw('kopperdahl2002');
    const result = mapElementMaterial(image, mesh, law, options);
    expect(result.densityMgCm3[0]).toBeCloseTo(mean(ramp), 6);
    expect(result.densityMgCm3[0]).toBeCloseTo(100 + 25 * (L / 4), 6);
    expect(result.youngsModulusMpa[0]).toBeCloseTo(
      mean((x) => -34.7 + 3.23 * ramp(x)),
      5,
    );
  });

  it('integrates the convex default law over the element, not at the mean density', () => {
    const law = materialLaw('morgan2003-vertebra');
    const result = mapElementMaterial(image, mesh, law, options);
    const exact = mean((x) => law.modulusMpa(ramp(x)));
    expect(Math.abs(result.youngsModulusMpa[0] / exact - 1)).toBeLessThan(1e-3);
    // density first, law second is lower (the laws are convex): the bias the mapping avoids
    expect(law.modulusMpa(result.densityMgCm3[0])).toBeLessThan(exact * 0.995);
  });

  it('ignores non-bone voxels next to the surface and skips non-bone elements', () => {
    // bone where x < 4 mm at 300 mg/cm3, air (-1000) beyond; an element inside x < 3.5 mm
    const split = syntheticImage(
      [41, 41, 41],
      diagonalAffine([spacing, spacing, spacing], [-1, -1, -1]),
      (i) => (-1 + spacing * i < 4 ? { region: 1, density: 300 } : { region: 0, density: -1000 }),
    );
    const bone = Uint8Array.from(split.regions, (r) => (r === 1 ? 1 : 0));
    const h = 3.5;
    const twoTets = {
      nodes: Float64Array.from([0, 0, 0, h, 0, 0, 0, h, 0, 0, 0, h, 0, 0, 1]),
      tets: Uint32Array.from([0, 1, 2, 3, 0, 1, 2, 4]),
    };
    const law = materialLaw('kopperdahl2002');
    const result = mapElementMaterial(split, twoTets, law, {
      boneVoxels: bone,
      boneElements: Uint8Array.from([1, 0]),
    });
    expect(result.youngsModulusMpa[0]).toBeCloseTo(-34.7 + 3230 * 0.3, 6);
    expect(result.densityMgCm3[0]).toBeCloseTo(300, 6);
    expect(result.youngsModulusMpa[1]).toBeNaN();
  });

  it('refuses bone elements over invalid voxels, naming how many', () => {
    const holed = syntheticImage(
      [41, 41, 41],
      diagonalAffine([spacing, spacing, spacing], [-1, -1, -1]),
      (i, j, k) => ({ region: 1, density: 200, invalid: i === 10 && j === 10 && k === 10 }),
    );
    const law = materialLaw('kopperdahl2002');
    const run = () => mapElementMaterial(holed, mesh, law, { ...options, source: 'ct.nii' });
    expect(run).toThrow(UserError);
    expect(run).toThrow(/ct\.nii: 1 of 1 bone elements \(100\.00 %\)/);
  });
});
