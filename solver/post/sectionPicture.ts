/**
 * A picture to look at: the mid-sagittal section of the model as an SVG (any browser shows it),
 * each cut element coloured by a per-element field, caps in grey, with a colour bar, a 10 mm
 * scale bar and a caption.
 *
 * The section plane passes through the mesh's centroid and contains the vertebral axis; its
 * normal is the world x direction (patient left-right) made orthogonal to the axis. In the
 * picture the axis points up and the vertebral body (anterior) is on the left.
 */
import type { TetMesh } from '../../meshing/tetMesh.js';
import { ElementRegion } from '../../meshing/tetMesh.js';

/** What to draw and how to label it. */
export interface SectionPictureOptions {
  /** Unit vector of the vertebral axis (cranial), world frame. */
  readonly axis: readonly [number, number, number];
  /** The value shown per element. */
  readonly values: Float64Array;
  /** Colour scale: values at or above `maxValue` get the top colour. */
  readonly maxValue: number;
  /** Label of the colour bar, with units. */
  readonly valueLabel: string;
  /** Caption lines under the picture. */
  readonly caption: readonly string[];
  /** {@link ElementRegion} per element; caps are drawn grey. */
  readonly region: Uint8Array;
}

type Vec3 = [number, number, number];

const dot = (a: Vec3, b: readonly number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: readonly number[], b: readonly number[]): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const normalise = (a: Vec3): Vec3 => {
  const n = Math.hypot(a[0], a[1], a[2]);
  return [a[0] / n, a[1] / n, a[2] / n];
};

/** Colour ramp from dark blue through green to yellow and red, t in [0, 1]. */
const ramp: Vec3[] = [
  [48, 18, 59],
  [70, 107, 227],
  [40, 187, 236],
  [50, 241, 152],
  [164, 252, 60],
  [237, 208, 58],
  [251, 128, 34],
  [210, 50, 10],
  [122, 4, 3],
];

function colour(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (ramp.length - 1);
  const i = Math.min(ramp.length - 2, Math.floor(x));
  const f = x - i;
  const c = ramp[i].map((v, k) => Math.round(v + f * (ramp[i + 1][k] - v)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Polygons (in plane coordinates, mm) where the plane cuts each element, with the element. */
function cutPolygons(mesh: TetMesh, origin: Vec3, normal: Vec3, right: Vec3, up: Vec3) {
  const polygons: Array<{ element: number; points: number[] }> = [];
  const d = new Float64Array(4);
  const p: Vec3[] = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const tetCount = mesh.tets.length / 4;

  for (let e = 0; e < tetCount; e++) {
    let positive = 0;
    for (let a = 0; a < 4; a++) {
      const n = mesh.tets[4 * e + a];
      for (let c = 0; c < 3; c++) p[a][c] = mesh.nodes[3 * n + c] - origin[c];
      d[a] = dot(p[a], normal);
      if (d[a] > 0) positive++;
    }
    if (positive === 0 || positive === 4) continue;

    const points: number[] = [];
    for (let a = 0; a < 4; a++) {
      for (let b = a + 1; b < 4; b++) {
        if (d[a] > 0 === d[b] > 0) continue;
        const t = d[a] / (d[a] - d[b]);
        const q: Vec3 = [0, 1, 2].map((c) => p[a][c] + t * (p[b][c] - p[a][c])) as Vec3;
        points.push(dot(q, right), dot(q, up));
      }
    }
    if (points.length === 8) orderQuad(points);
    polygons.push({ element: e, points });
  }
  return polygons;
}

/** True when the body's cut lies to the right of the posterior elements' cut. */
function bodyDrawnRight(
  polygons: Array<{ element: number; points: number[] }>,
  region: Uint8Array,
): boolean {
  const sum = { [ElementRegion.Body]: [0, 0], [ElementRegion.Posterior]: [0, 0] };
  for (const { element, points } of polygons) {
    const r = region[element];
    if (r !== ElementRegion.Body && r !== ElementRegion.Posterior) continue;
    sum[r][0] += points[0];
    sum[r][1] += 1;
  }
  const body = sum[ElementRegion.Body];
  const posterior = sum[ElementRegion.Posterior];
  return body[1] > 0 && posterior[1] > 0 && body[0] / body[1] > posterior[0] / posterior[1];
}

/** Orders the 4 points of a planar quadrilateral around their centroid (in place). */
function orderQuad(points: number[]): void {
  const cx = (points[0] + points[2] + points[4] + points[6]) / 4;
  const cy = (points[1] + points[3] + points[5] + points[7]) / 4;
  const order = [0, 1, 2, 3].sort(
    (a, b) =>
      Math.atan2(points[2 * a + 1] - cy, points[2 * a] - cx) -
      Math.atan2(points[2 * b + 1] - cy, points[2 * b] - cx),
  );
  const copy = points.slice();
  order.forEach((from, to) => {
    points[2 * to] = copy[2 * from];
    points[2 * to + 1] = copy[2 * from + 1];
  });
}

/** The mid-sagittal section of `mesh` as an SVG document. */
export function sectionSvg(mesh: TetMesh, options: SectionPictureOptions): string {
  const nodeCount = mesh.nodes.length / 3;
  const centroid: Vec3 = [0, 0, 0];
  for (let n = 0; n < nodeCount; n++) {
    for (let c = 0; c < 3; c++) centroid[c] += mesh.nodes[3 * n + c] / nodeCount;
  }
  const up: Vec3 = [...options.axis] as Vec3;
  const normal = normalise([1 - up[0] * up[0], -up[0] * up[1], -up[0] * up[2]]);
  // right = normal x up points posterior (-y) in the RAS world, so anterior is on the left.
  const right = normalise(cross(normal, up));
  const polygons = cutPolygons(mesh, centroid, normal, right, up);
  if (polygons.length === 0) throw new Error('section plane does not cut the mesh');
  if (bodyDrawnRight(polygons, options.region)) {
    // The header's anterior-posterior direction is flipped (the model warns): put the
    // vertebral body, which is anterior whatever the header says, on the left.
    for (const { points } of polygons) for (let i = 0; i < points.length; i += 2) points[i] *= -1;
  }

  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const { points } of polygons) {
    for (let i = 0; i < points.length; i += 2) {
      minX = Math.min(minX, points[i]);
      maxX = Math.max(maxX, points[i]);
      minY = Math.min(minY, points[i + 1]);
      maxY = Math.max(maxY, points[i + 1]);
    }
  }

  const pixelsPerMm = 560 / Math.max(maxX - minX, maxY - minY);
  const margin = 40;
  const width = Math.ceil((maxX - minX) * pixelsPerMm) + 2 * margin + 240;
  const height = Math.ceil((maxY - minY) * pixelsPerMm) + 2 * margin + 24 * options.caption.length;
  const px = (x: number) => (margin + (x - minX) * pixelsPerMm).toFixed(1);
  const py = (y: number) => (margin + (maxY - y) * pixelsPerMm).toFixed(1);

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    '<g stroke-width="0.3" stroke-linejoin="round">',
  ];
  for (const { element, points } of polygons) {
    const isCap =
      options.region[element] === ElementRegion.CapInferior ||
      options.region[element] === ElementRegion.CapSuperior;
    const fill = isCap ? 'rgb(190,190,190)' : colour(options.values[element] / options.maxValue);
    const coords = [];
    for (let i = 0; i < points.length; i += 2) coords.push(`${px(points[i])},${py(points[i + 1])}`);
    out.push(`<polygon points="${coords.join(' ')}" fill="${fill}" stroke="${fill}"/>`);
  }
  out.push('</g>');

  const barX = width - 220;
  const barTop = margin;
  const barHeight = Math.min(240, height - 2 * margin - 24 * options.caption.length);
  for (let i = 0; i < 48; i++) {
    const y = barTop + (barHeight * i) / 48;
    out.push(
      `<rect x="${barX}" y="${y.toFixed(1)}" width="16" ` +
        `height="${(barHeight / 48 + 0.5).toFixed(1)}" ` +
        `fill="${colour(1 - i / 48)}"/>`,
    );
  }
  out.push(
    `<text x="${barX + 22}" y="${barTop + 10}">${options.maxValue.toPrecision(3)}</text>`,
    `<text x="${barX + 22}" y="${barTop + barHeight}">0</text>`,
    `<text x="${barX}" y="${barTop - 10}">${options.valueLabel}</text>`,
    `<rect x="${barX}" y="${barTop + barHeight + 16}" width="16" height="12" ` +
      'fill="rgb(190,190,190)"/>',
    `<text x="${barX + 22}" y="${barTop + barHeight + 27}">cement cap</text>`,
  );

  const scaleY = height - margin / 2 - 24 * options.caption.length;
  out.push(
    `<line x1="${margin}" y1="${scaleY}" x2="${(margin + 10 * pixelsPerMm).toFixed(1)}" ` +
      `y2="${scaleY}" stroke="black" stroke-width="2"/>`,
    `<text x="${margin}" y="${scaleY - 6}">10 mm</text>`,
    `<text x="${margin}" y="${margin - 14}">anterior</text>`,
    `<text x="${px(maxX)}" y="${margin - 14}" text-anchor="end">posterior</text>`,
  );
  options.caption.forEach((line, i) => {
    const y = height - 24 * (options.caption.length - i) + 6;
    out.push(`<text x="${margin}" y="${y}">${escapeXml(line)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
