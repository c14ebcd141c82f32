import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log.js';
import { ElementRegion, type VertebraModel } from '../../meshing/tetMesh.js';
import { createJsSolver } from '../../solver/jsSolver.js';
import { defaultSolveOptions } from '../../solver/linearSolver.js';
import { computeFailureLoad, defaultFailureCriterion } from '../../solver/post/failureLoad.js';
import { symmetricEigenvalues } from '../../solver/post/principalStrains.js';
import { analyseModel } from '../../solver/solveModel.js';
import { boxMesh, centroid, nodesWhere, seededRandom } from './boxMesh.js';

describe('principal strains', () => {
  it('recovers the eigenvalues of Q diag(l) Q^T for random rotations', () => {
    const random = seededRandom(12);
    const out = new Float64Array(3);
    for (let trial = 0; trial < 50; trial++) {
      const l = [random() - 0.5, random() - 0.5, random() - 0.5].map((v) => v * 0.02);
      if (trial === 0) l.splice(0, 3, 1e-3, 1e-3, -2e-3); // a repeated eigenvalue
      // Rotation from a random unit quaternion.
      const [w, x, y, z] = normalise([
        random() - 0.5,
        random() - 0.5,
        random() - 0.5,
        random() - 0.5,
      ]);
      const q = [
        [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
        [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
        [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
      ];
      const t = (i: number, j: number) =>
        q[i][0] * l[0] * q[j][0] + q[i][1] * l[1] * q[j][1] + q[i][2] * l[2] * q[j][2];
      symmetricEigenvalues(out, 0, t(0, 0), t(1, 1), t(2, 2), t(0, 1), t(1, 2), t(2, 0));
      const sorted = [...l].sort((a, b) => b - a);
      for (let k = 0; k < 3; k++) expect(out[k]).toBeCloseTo(sorted[k], 12);
    }
  });
});

describe('failure load criterion', () => {
  it('picks the ratio at which 2 % of the eligible bone volume is reached', () => {
    // 100 bone elements of equal volume 1 mm3 with ratios 0.01 .. 1.00 in compression
    // (eps3 = -0.0077 * k / 100), plus a cap element and a bone element touching it.
    const count = 102;
    const principal = new Float64Array(3 * count);
    const region = new Uint8Array(count).fill(ElementRegion.Body);
    const tets = new Uint32Array(4 * count);
    for (let e = 0; e < count; e++) tets.set([4 * e, 4 * e + 1, 4 * e + 2, 4 * e + 3], 4 * e);
    for (let k = 1; k <= 100; k++) principal[3 * (k - 1) + 2] = (-0.0077 * k) / 100;
    region[100] = ElementRegion.CapSuperior;
    tets.set([400, 401, 402, 0], 4 * 101); // bone sharing node 400 with the cap
    tets.set([400, 500, 501, 502], 4 * 100);
    principal[3 * 101] = 0.5; // a huge tensile strain, excluded as a cap neighbour
    const mesh = { nodes: new Float64Array(3 * 503), tets };
    const volume = new Float64Array(count).fill(1);

    const result = computeFailureLoad(
      mesh,
      region,
      principal,
      volume,
      -1234,
      defaultFailureCriterion,
    );
    // Element 0 also shares node 0 with element 101, but 101 is bone, so element 0 stays.
    expect(result.eligibleVolumeMm3).toBe(100);
    expect(result.excludedVolumeMm3).toBe(1);
    // Volume fraction 2 % of 100 mm3 = 2 elements: the second largest ratio, 0.99.
    expect(result.criticalRatio).toBeCloseTo(0.99, 12);
    expect(result.failureLoadN).toBeCloseTo(1234 / 0.99, 9);
    expect(result.ratio[101]).toBeCloseTo(0.5 / 0.007, 12);
  });
});

describe('compression analysis of a capped prism', () => {
  it('matches the series stiffness and the closed-form failure load (nu = 0)', async () => {
    // 4 x 4 mm section, cap 1 mm / bone 6 mm / cap 1 mm. With nu = 0 the uniaxial solution
    // also satisfies the fully bonded faces, so it is exact: k = A / sum(L_i / E_i), the bone
    // strain is uniform and the failure load is E_bone * A * eps_c.
    const mesh = boxMesh([2, 2, 8], [4, 4, 8], 0, 1);
    const tetCount = mesh.tets.length / 4;
    const region = Uint8Array.from({ length: tetCount }, (_, e) => {
      const z = centroid(mesh, e, 2);
      if (z < 1) return ElementRegion.CapInferior;
      if (z > 7) return ElementRegion.CapSuperior;
      return ElementRegion.Body;
    });
    const [eCap, eBone] = [2500, 400];
    const model: VertebraModel = {
      mesh,
      region,
      youngsModulusMpa: Float64Array.from(region, (r) => (r === ElementRegion.Body ? eBone : eCap)),
      poissonRatio: new Float64Array(tetCount),
      densityMgCm3: new Float64Array(tetCount).fill(150),
      axis: [0, 0, 1],
      fixedNodes: nodesWhere(mesh, 2, 0),
      loadedNodes: nodesWhere(mesh, 2, 8),
      heightMm: 8,
    };
    const options = {
      appliedStrain: 0.01,
      reportStrain: 0.002,
      failure: defaultFailureCriterion,
      solve: { ...defaultSolveOptions, relativeTolerance: 1e-12 },
    };
    const result = await analyseModel(model, createJsSolver(), options, createLogger(true));

    const area = 16;
    const stiffness = area / (2 / eCap + 6 / eBone);
    expect(result.appliedDisplacementMm).toBeCloseTo(0.08, 14);
    expect(result.stiffnessNPerMm).toBeCloseTo(stiffness, 6);
    expect(result.reactionForceN).toBeCloseTo(-stiffness * 0.08, 6);
    expect(result.reactionForceFixedN).toBeCloseTo(stiffness * 0.08, 6);
    expect(result.forceAtReportStrainN).toBeCloseTo(stiffness * 0.016, 6);
    expect(result.failure.failureLoadN).toBeCloseTo(eBone * area * 0.0077, 5);
    // Bone elements touching the caps (the layers at z in 1..2 and 6..7) are excluded.
    expect(result.failure.eligibleVolumeMm3).toBeCloseTo(4 * area, 9);
    expect(result.certificate.relativeResidual).toBeLessThanOrEqual(1e-12);
  });
});

function normalise(v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
