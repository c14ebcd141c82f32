/**
 * The linear (4-node) tetrahedron in isotropic linear elasticity: shape-function gradients,
 * the 12x12 element stiffness, and the constant strain of a displacement field.
 *
 * Conventions: node coordinates in mm, modulus in MPa, so stiffness is in N/mm, forces in N
 * and strains dimensionless. Element degrees of freedom are ordered node by node (u, v, w of
 * node 0, then node 1, ...). Strains are tensor components (not engineering shear).
 */
import { NumericalError } from '../../core/errors.js';

/** An element with zero or negative signed volume: the mesh is broken there. */
export class InvertedElementError extends NumericalError {
  override readonly name = 'InvertedElementError';

  constructor(element: number, volumeMm3: number) {
    super(
      `element ${element} is inverted or flat (signed volume ${volumeMm3.toExponential(3)} mm3)`,
      {
        element,
        volumeMm3,
      },
    );
  }
}

/**
 * Writes the gradients of the four shape functions of tetrahedron `element` into `out`
 * (12 values: d/dx, d/dy, d/dz of N0, then N1, ...; units 1/mm) and returns its signed volume
 * in mm3. Throws {@link InvertedElementError} when the volume is not positive.
 */
export function shapeGradients(
  out: Float64Array,
  nodes: Float64Array,
  tets: Uint32Array,
  element: number,
): number {
  const n0 = 3 * tets[4 * element];
  const n1 = 3 * tets[4 * element + 1];
  const n2 = 3 * tets[4 * element + 2];
  const n3 = 3 * tets[4 * element + 3];

  // Edge vectors from node 0: the columns of the Jacobian.
  const ax = nodes[n1] - nodes[n0];
  const ay = nodes[n1 + 1] - nodes[n0 + 1];
  const az = nodes[n1 + 2] - nodes[n0 + 2];
  const bx = nodes[n2] - nodes[n0];
  const by = nodes[n2 + 1] - nodes[n0 + 1];
  const bz = nodes[n2 + 2] - nodes[n0 + 2];
  const cx = nodes[n3] - nodes[n0];
  const cy = nodes[n3 + 1] - nodes[n0 + 1];
  const cz = nodes[n3 + 2] - nodes[n0 + 2];

  // Rows of the inverse Jacobian are b x c, c x a, a x b over det.
  const det = ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx);
  const volume = det / 6;
  if (!(volume > 0)) throw new InvertedElementError(element, volume);

  const inv = 1 / det;
  out[3] = (by * cz - bz * cy) * inv;
  out[4] = (bz * cx - bx * cz) * inv;
  out[5] = (bx * cy - by * cx) * inv;
  out[6] = (cy * az - cz * ay) * inv;
  out[7] = (cz * ax - cx * az) * inv;
  out[8] = (cx * ay - cy * ax) * inv;
  out[9] = (ay * bz - az * by) * inv;
  out[10] = (az * bx - ax * bz) * inv;
  out[11] = (ax * by - ay * bx) * inv;
  out[0] = -(out[3] + out[6] + out[9]);
  out[1] = -(out[4] + out[7] + out[10]);
  out[2] = -(out[5] + out[8] + out[11]);
  return volume;
}

/** Lame's first parameter lambda in MPa from Young's modulus (MPa) and Poisson's ratio. */
export function lameLambdaMpa(youngsModulusMpa: number, poissonRatio: number): number {
  return (youngsModulusMpa * poissonRatio) / ((1 + poissonRatio) * (1 - 2 * poissonRatio));
}

/** Shear modulus mu in MPa from Young's modulus (MPa) and Poisson's ratio. */
export function shearModulusMpa(youngsModulusMpa: number, poissonRatio: number): number {
  return youngsModulusMpa / (2 * (1 + poissonRatio));
}

/**
 * Writes the 12x12 element stiffness (N/mm, row-major, 144 values) of a tetrahedron with
 * shape gradients `gradients` (from {@link shapeGradients}) and volume `volumeMm3` into `out`.
 * Block (a, b) is V * (lambda g_a g_b^T + mu g_b g_a^T + mu (g_a . g_b) I), which equals
 * V B^T D B for the usual strain-displacement matrix B and isotropic D.
 */
export function elementStiffness(
  out: Float64Array,
  gradients: Float64Array,
  volumeMm3: number,
  youngsModulusMpa: number,
  poissonRatio: number,
): Float64Array {
  const lambda = lameLambdaMpa(youngsModulusMpa, poissonRatio) * volumeMm3;
  const mu = shearModulusMpa(youngsModulusMpa, poissonRatio) * volumeMm3;

  for (let a = 0; a < 4; a++) {
    for (let b = 0; b < 4; b++) {
      const dot =
        mu *
        (gradients[3 * a] * gradients[3 * b] +
          gradients[3 * a + 1] * gradients[3 * b + 1] +
          gradients[3 * a + 2] * gradients[3 * b + 2]);
      for (let i = 0; i < 3; i++) {
        const gai = gradients[3 * a + i];
        const gbi = gradients[3 * b + i];
        const row = (3 * a + i) * 12 + 3 * b;
        for (let j = 0; j < 3; j++) {
          const value = lambda * gai * gradients[3 * b + j] + mu * gradients[3 * a + j] * gbi;
          out[row + j] = i === j ? value + dot : value;
        }
      }
    }
  }
  return out;
}

/**
 * Writes the constant strain tensor of tetrahedron `element` under nodal displacements `u`
 * (mm, 3 per node) into `out` as six components [exx, eyy, ezz, exy, eyz, ezx] (tensor shear,
 * half the engineering shear), using its shape gradients.
 */
export function elementStrain(
  out: Float64Array,
  gradients: Float64Array,
  tets: Uint32Array,
  element: number,
  u: Float64Array,
): Float64Array {
  // Displacement gradient H[i][j] = du_i/dx_j = sum_a u_a,i g_a,j.
  let h00 = 0,
    h01 = 0,
    h02 = 0,
    h10 = 0,
    h11 = 0,
    h12 = 0,
    h20 = 0,
    h21 = 0,
    h22 = 0;
  for (let a = 0; a < 4; a++) {
    const d = 3 * tets[4 * element + a];
    const gx = gradients[3 * a];
    const gy = gradients[3 * a + 1];
    const gz = gradients[3 * a + 2];
    h00 += u[d] * gx;
    h01 += u[d] * gy;
    h02 += u[d] * gz;
    h10 += u[d + 1] * gx;
    h11 += u[d + 1] * gy;
    h12 += u[d + 1] * gz;
    h20 += u[d + 2] * gx;
    h21 += u[d + 2] * gy;
    h22 += u[d + 2] * gz;
  }

  out[0] = h00;
  out[1] = h11;
  out[2] = h22;
  out[3] = 0.5 * (h01 + h10);
  out[4] = 0.5 * (h12 + h21);
  out[5] = 0.5 * (h20 + h02);
  return out;
}
