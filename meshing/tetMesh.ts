/**
 * The finite-element model's geometry and materials: linear tetrahedra in world millimetres.
 */

/** A linear tetrahedral mesh. */
export interface TetMesh {
  /** Node coordinates in world mm, xyz interleaved (3 per node). */
  readonly nodes: Float64Array;
  /** Node indices, 4 per tetrahedron, positively oriented (signed volume > 0). */
  readonly tets: Uint32Array;
}

/** What an element is made of. */
export enum ElementRegion {
  /** Bone of the vertebral body. */
  Body = 1,
  /** Bone of the posterior elements (arch, processes). */
  Posterior = 2,
  /** Bone-cement cap under the inferior endplate (its bottom face is fixed). */
  CapInferior = 5,
  /** Bone-cement cap over the superior endplate (its top face is displaced). */
  CapSuperior = 6,
}

/**
 * A meshed vertebra ready for assembly: mesh, per-element material, the vertebral axis and the
 * nodes of the two loading faces.
 */
export interface VertebraModel {
  readonly mesh: TetMesh;
  /** {@link ElementRegion} per element. */
  readonly region: Uint8Array;
  /** Young's modulus per element in MPa (bone: integrated from CT; caps: the cement's). */
  readonly youngsModulusMpa: Float64Array;
  /** Poisson's ratio per element. */
  readonly poissonRatio: Float64Array;
  /** Mean equivalent density rho_QCT per element in mg/cm3 (NaN for caps). */
  readonly densityMgCm3: Float64Array;
  /** Unit vector of the vertebral axis, pointing cranially (superior), world frame. */
  readonly axis: readonly [number, number, number];
  /** Nodes on the flat bottom face of the inferior cap: fixed in all directions. */
  readonly fixedNodes: Uint32Array;
  /** Nodes on the flat top face of the superior cap: displaced along -axis. */
  readonly loadedNodes: Uint32Array;
  /** Distance between the two flat cap faces along the axis, in mm. */
  readonly heightMm: number;
}
