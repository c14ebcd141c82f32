/**
 * The vertebra of a cropped scan without a label map: voxels at or above a threshold, the largest
 * 6-connected component of them, and its holes (background not 6-connected to the volume's
 * border) filled.
 */

/** A binary mask and what building it found. */
export interface ThresholdMask {
  /** 1 for vertebra voxels. */
  readonly mask: Uint8Array;
  /** Voxels at or above the threshold, before keeping the largest component. */
  readonly aboveThreshold: number;
  /** Number of 6-connected components above the threshold. */
  readonly components: number;
  /** Voxels of the largest component. */
  readonly largestComponent: number;
  /** Voxels added by filling holes. */
  readonly holesFilled: number;
}

type Dims = readonly [number, number, number];

/**
 * Flood-fills from `seeds` through voxels where `inside(n)` holds, 6-connected, writing `mark`
 * into `labels`. Returns the number of voxels reached.
 */
function flood(
  dims: Dims,
  labels: Int32Array,
  seeds: number[],
  mark: number,
  inside: (n: number) => boolean,
): number {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const stack: number[] = [];
  let reached = 0;
  for (const seed of seeds) {
    if (labels[seed] !== 0 || !inside(seed)) continue;
    labels[seed] = mark;
    stack.push(seed);
  }

  while (stack.length > 0) {
    const n = stack.pop()!;
    reached++;
    const i = n % nx;
    const j = Math.floor(n / nx) % ny;
    const k = Math.floor(n / plane);
    const visit = (m: number) => {
      if (labels[m] === 0 && inside(m)) {
        labels[m] = mark;
        stack.push(m);
      }
    };
    if (i > 0) visit(n - 1);
    if (i < nx - 1) visit(n + 1);
    if (j > 0) visit(n - nx);
    if (j < ny - 1) visit(n + nx);
    if (k > 0) visit(n - plane);
    if (k < nz - 1) visit(n + plane);
  }
  return reached;
}

function borderVoxels(dims: Dims): number[] {
  const [nx, ny, nz] = dims;
  const border: number[] = [];
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const onBorder =
          i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1;
        if (onBorder) border.push(i + nx * (j + ny * k));
      }
    }
  }
  return border;
}

/**
 * Fills the holes of `mask` in place: background voxels not 6-connected to the border become 1.
 * Returns the number of voxels filled.
 */
export function fillHoles(mask: Uint8Array, dims: Dims): number {
  const outside = new Int32Array(mask.length);
  flood(dims, outside, borderVoxels(dims), 1, (n) => mask[n] === 0);

  let filled = 0;
  for (let n = 0; n < mask.length; n++) {
    if (mask[n] === 0 && outside[n] === 0) {
      mask[n] = 1;
      filled++;
    }
  }
  return filled;
}

/**
 * The vertebra of a cropped scan: values >= `threshold` (in the image's units), largest
 * 6-connected component, holes filled. `usable` excludes voxels (invalid ones) from the
 * threshold.
 */
export function thresholdVertebra(
  values: ArrayLike<number>,
  dims: Dims,
  threshold: number,
  usable?: Uint8Array,
): ThresholdMask {
  const count = values.length;
  const above = new Uint8Array(count);
  let aboveThreshold = 0;
  for (let n = 0; n < count; n++) {
    if (values[n] >= threshold && (usable === undefined || usable[n] === 1)) {
      above[n] = 1;
      aboveThreshold++;
    }
  }

  const component = new Int32Array(count);
  let components = 0;
  let largest = 0;
  let largestComponent = 0;
  for (let n = 0; n < count; n++) {
    if (above[n] === 0 || component[n] !== 0) continue;
    components++;
    const size = flood(dims, component, [n], components, (m) => above[m] === 1);
    if (size > largestComponent) {
      largestComponent = size;
      largest = components;
    }
  }

  const mask = new Uint8Array(count);
  for (let n = 0; n < count; n++) if (largest !== 0 && component[n] === largest) mask[n] = 1;
  const holesFilled = largest === 0 ? 0 : fillHoles(mask, dims);
  return { mask, aboveThreshold, components, largestComponent, holesFilled };
}
