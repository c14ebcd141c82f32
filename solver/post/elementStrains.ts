/**
 * Per-element strain and principal strains of a solved displacement field (linear tetrahedra
 * have one constant strain per element).
 */
import type { TetMesh } from '../../meshing/tetMesh.js';
import { elementStrain, shapeGradients } from '../fem/tetElement.js';
import { symmetricEigenvalues } from './principalStrains.js';

/** Strain fields per element. */
export interface ElementStrains {
  /** 6 per element: exx, eyy, ezz, exy, eyz, ezx (tensor shear), dimensionless. */
  readonly strain: Float64Array;
  /** 3 per element: principal strains eps1 >= eps2 >= eps3. */
  readonly principal: Float64Array;
  /** Element volumes in mm3. */
  readonly volumeMm3: Float64Array;
}

/** Computes strain, principal strains and volume of every element for displacements `u` (mm). */
export function computeElementStrains(mesh: TetMesh, u: Float64Array): ElementStrains {
  const tetCount = mesh.tets.length / 4;
  const strain = new Float64Array(6 * tetCount);
  const principal = new Float64Array(3 * tetCount);
  const volumeMm3 = new Float64Array(tetCount);
  const gradients = new Float64Array(12);
  const eps = new Float64Array(6);

  for (let e = 0; e < tetCount; e++) {
    volumeMm3[e] = shapeGradients(gradients, mesh.nodes, mesh.tets, e);
    elementStrain(eps, gradients, mesh.tets, e, u);
    strain.set(eps, 6 * e);
    symmetricEigenvalues(principal, 3 * e, eps[0], eps[1], eps[2], eps[3], eps[4], eps[5]);
  }
  return { strain, principal, volumeMm3 };
}
