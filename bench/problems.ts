/**
 * The benchmark's problems: the synthetic size series (bench/syntheticVertebra.ts) and the two
 * real samples at two element sizes, each built into a constrained system (bench/system.ts).
 * The real samples go through the product's own chain: input/loadVertebra.ts, then
 * meshing/buildModel.ts (loaded lazily, so the benchmark runs before that chain is complete);
 * its meshing and mapping phases are timed through the phase logger.
 */
import type { PhaseLogger } from '../core/log.js';
import { projectPath } from '../core/paths.js';
import type { LoadOptions } from '../input/loadVertebra.js';
import type { MeshingRate } from './meshingRates.js';
import { buildSyntheticVertebra, spacingForUnknowns } from './syntheticVertebra.js';
import { assembleSystem, type BenchSystem } from './system.js';

/** A real sample: how to load it. */
export interface RealSample {
  /** Key, e.g. 'verse004-L2'. */
  readonly id: string;
  /** For tables. */
  readonly label: string;
  readonly load: LoadOptions;
}

/** The two real samples of data/ (see data/README.md). */
export const realSamples: readonly RealSample[] = [
  {
    id: 'verse004-L2',
    label: 'VerSe 004 L2 (density, own caps)',
    load: {
      ctPath: projectPath('data', 'verse004-L2', 'density.nii.gz'),
      maskPath: projectPath('data', 'verse004-L2', 'labels.nii.gz'),
      inputUnits: 'density',
    },
  },
  {
    id: 'totalseg-L3',
    label: 'TotalSegmentator L3 (HU, generated caps)',
    load: {
      ctPath: projectPath('data', 'totalseg-lumbar', 'ct.nii.gz'),
      maskPath: projectPath('data', 'totalseg-lumbar', 'labels.nii.gz'),
      level: 'L3',
      inputUnits: 'hu',
    },
  },
];

/** Short key for a size: 10000 -> '10k', 1000000 -> '1M'. */
export function sizeKey(unknowns: number): string {
  if (unknowns >= 1e6) return `${+(unknowns / 1e6).toPrecision(3)}M`;
  return `${+(unknowns / 1e3).toPrecision(3)}k`;
}

/** The synthetic vertebra with about `unknowns` unknowns, assembled. */
export function syntheticSystem(unknowns: number): BenchSystem {
  const spacing = spacingForUnknowns(unknowns);
  const start = performance.now();
  const model = buildSyntheticVertebra(spacing);
  return assembleSystem(model, {
    id: `synthetic-${sizeKey(unknowns)}`,
    label: `synthetic vertebra, grid ${spacing.toFixed(2)} mm`,
    kind: 'synthetic',
    edgeLengthMm: spacing,
    modelMs: performance.now() - start,
  });
}

/** A logger that records each phase's time (ms) by name and prints nothing. */
function recordingLogger(times: Map<string, number>): PhaseLogger {
  return {
    phase(name, _detail, timeMs) {
      if (timeMs !== undefined) times.set(name, (times.get(name) ?? 0) + timeMs);
    },
    warn() {},
  };
}

/** A real sample meshed at `edgeLengthMm` and assembled, with its meshing and mapping rates. */
export async function realSystem(
  sample: RealSample,
  edgeLengthMm: number,
): Promise<{ system: BenchSystem; rate: MeshingRate }> {
  const { loadVertebraImage } = await import('../input/loadVertebra.js');
  const { buildVertebraModel } = await import('../meshing/buildModel.js');
  const times = new Map<string, number>();
  const log = recordingLogger(times);

  const loaded = await loadVertebraImage(sample.load, log);
  const start = performance.now();
  const built = buildVertebraModel(loaded.image, { elementSizeMm: edgeLengthMm }, log);
  const modelMs = performance.now() - start;
  const system = assembleSystem(built.model, {
    id: `${sample.id}-h${edgeLengthMm}`,
    label: `${sample.label}, h ${edgeLengthMm} mm`,
    kind: 'real',
    edgeLengthMm,
    modelMs,
  });

  const elements = system.info.elements;
  const meshingMs = times.get('mesh') ?? modelMs;
  const mappingMs = times.get('material') ?? null;
  const rate: MeshingRate = {
    problemId: system.info.id,
    edgeLengthMm,
    nodes: system.info.nodes,
    elements,
    meshingMs,
    meshingElementsPerSecond: elements / (meshingMs * 1e-3),
    mappingMs,
    mappingElementsPerSecond: mappingMs === null ? null : elements / (mappingMs * 1e-3),
  };
  return { system, rate };
}
