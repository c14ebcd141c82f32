/**
 * Meshing and material-mapping rates (elements per second) on the synthetic vertebra shape:
 * isosurface stuffing (meshing/stuffing.ts) of the elliptic cylinder, then the modulus mapping
 * (meshing/materialMapping.ts, default law) of a 1 mm density image of the same shape, a dense
 * shell around a soft core. Both modules are loaded lazily; a missing one gives no rate.
 */
import type { ImplicitDomain } from '../meshing/implicitDomain.js';
import type { TetMesh } from '../meshing/tetMesh.js';
import { defaultShape, type SyntheticVertebraShape } from './syntheticVertebra.js';

/** One meshing (and mapping) measurement. */
export interface MeshingRate {
  /** Source: 'synthetic' or a real sample's problem id. */
  readonly problemId: string;
  /** Target element edge length, mm. */
  readonly edgeLengthMm: number;
  readonly nodes: number;
  readonly elements: number;
  /** Wall time of meshing, ms, and elements per second. */
  readonly meshingMs: number;
  readonly meshingElementsPerSecond: number;
  /** Wall time of the material mapping, ms, and elements per second (null: not measured). */
  readonly mappingMs: number | null;
  readonly mappingElementsPerSecond: number | null;
}

/**
 * The shape as an implicit domain: the larger of the elliptic and the axial excess, each scaled
 * to mm (exact on the surface, roughly a distance near it).
 */
export function ellipticCylinderDomain(shape: SyntheticVertebraShape): ImplicitDomain {
  const { semiAxisXMm: ax, semiAxisYMm: ay } = shape;
  const height = shape.boneHeightMm + 2 * shape.capThicknessMm;
  const scale = Math.min(ax, ay);
  return {
    boundsMm: { min: [-ax, -ay, 0], max: [ax, ay, height] },
    value: (x, y, z) => {
      const radial = (Math.hypot(x / ax, y / ay) - 1) * scale;
      const axial = Math.abs(z - height / 2) - height / 2;
      return Math.max(radial, axial);
    },
  };
}

/** A 1 mm density image (mg/cm3) of the shape: 600 in the outer 1.5 mm, 150 inside. */
function syntheticImage(shape: SyntheticVertebraShape) {
  const { semiAxisXMm: ax, semiAxisYMm: ay } = shape;
  const height = shape.boneHeightMm + 2 * shape.capThicknessMm;
  const margin = 2;
  const origin = [-ax - margin, -ay - margin, -margin];
  const dims: [number, number, number] = [
    Math.ceil(2 * (ax + margin)) + 1,
    Math.ceil(2 * (ay + margin)) + 1,
    Math.ceil(height + 2 * margin) + 1,
  ];
  const count = dims[0] * dims[1] * dims[2];
  const densityMgCm3 = new Float32Array(count);
  const bone = new Uint8Array(count);
  const shell = 1 - shape.shellThicknessMm / Math.min(ax, ay);
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      for (let i = 0; i < dims[0]; i++) {
        const v = i + dims[0] * (j + dims[1] * k);
        const radius = Math.hypot((origin[0] + i) / ax, (origin[1] + j) / ay);
        const z = origin[2] + k;
        if (radius > 1.05 || z < -0.5 || z > height + 0.5) continue;
        bone[v] = 1;
        densityMgCm3[v] = radius >= shell ? 600 : 150;
      }
    }
  }
  const voxelToWorld = Float64Array.from([
    1,
    0,
    0,
    origin[0],
    0,
    1,
    0,
    origin[1],
    0,
    0,
    1,
    origin[2],
    0,
    0,
    0,
    1,
  ]);
  const image = {
    dims,
    voxelToWorld,
    spacingMm: [1, 1, 1] as const,
    densityMgCm3,
    invalid: new Uint8Array(count),
  };
  return { image, bone };
}

/** Meshes the synthetic shape at `edgeLengthMm` and maps its moduli; times both. */
export async function measureSyntheticMeshing(
  edgeLengthMm: number,
  shape: SyntheticVertebraShape = defaultShape,
): Promise<MeshingRate> {
  const { stuffTetrahedra } = await import('../meshing/stuffing.js');
  const domain = ellipticCylinderDomain(shape);
  let start = performance.now();
  const mesh: TetMesh = stuffTetrahedra(domain, { edgeLengthMm });
  const meshingMs = performance.now() - start;
  const elements = mesh.tets.length / 4;

  let mappingMs: number | null = null;
  try {
    const { mapElementMaterial } = await import('../meshing/materialMapping.js');
    const { materialLaw, defaultMaterialLawName } = await import('../meshing/materialLaws.js');
    const { image, bone } = syntheticImage(shape);
    start = performance.now();
    mapElementMaterial(image, mesh, materialLaw(defaultMaterialLawName), {
      boneVoxels: bone,
      boneElements: new Uint8Array(elements).fill(1),
    });
    mappingMs = performance.now() - start;
  } catch (error) {
    if (!(error instanceof Error && /Cannot find module|not found/i.test(error.message))) {
      throw error;
    }
  }

  return {
    problemId: 'synthetic',
    edgeLengthMm,
    nodes: mesh.nodes.length / 3,
    elements,
    meshingMs,
    meshingElementsPerSecond: elements / (meshingMs * 1e-3),
    mappingMs,
    mappingElementsPerSecond: mappingMs === null ? null : elements / (mappingMs * 1e-3),
  };
}
