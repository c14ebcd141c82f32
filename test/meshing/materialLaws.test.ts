import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors.js';
import { materialLaw, materialLaws } from '../../meshing/materialLaws.js';

// Reference moduli (MPa) worked out by hand from the published formulas (python3, see the doc
// comments of meshing/materialLaws.ts): rho_ash = 0.877 rho + 0.0789, rho_app = rho_ash / 0.6.
const expected: Record<string, [number, number][]> = {
  'morgan2003-vertebra': [
    [200, 1239.611258622669],
    [50, 397.94104069807247],
    [3000, 20000],
  ],
  kopperdahl2002: [
    [200, 611.3],
    [50, 126.8],
    [3000, 9655.3],
  ],
  'power-1.05': [
    [200, 1209.9603235177563],
    [50, 563.1577005866714],
    [3000, 14513.039569998602],
  ],
  keller1994: [
    [200, 136.3725042671453],
    [50, 33.68085329526441],
    [3000, 12815.397248496409],
  ],
};

describe('material laws', () => {
  it('match hand-computed moduli for each law', () => {
    for (const [name, cases] of Object.entries(expected)) {
      const law = materialLaw(name);
      for (const [rho, modulus] of cases) {
        expect(law.modulusMpa(rho)).toBeCloseTo(modulus, 6);
      }
    }
  });

  it('floor every law at 1 MPa for negative density', () => {
    for (const law of Object.values(materialLaws)) {
      expect(law.modulusMpa(-100)).toBe(1);
      expect(law.modulusMpa(-1000)).toBe(1);
    }
  });

  it('rejects an unknown law with a one-line user error naming the option', () => {
    expect(() => materialLaw('morgan', '--law')).toThrow(UserError);
    expect(() => materialLaw('morgan', '--law')).toThrow(/--law: unknown material law 'morgan'/);
  });
});
