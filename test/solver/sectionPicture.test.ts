import { describe, expect, it } from 'vitest';
import { checkBodyIsAnterior } from '../../meshing/anatomyCheck.js';
import { ElementRegion } from '../../meshing/tetMesh.js';
import { sectionSvg } from '../../solver/post/sectionPicture.js';

// A unit cube split into the six Kuhn tetrahedra around its diagonal (0,0,0)-(1,1,1).
function kuhnCube(offset: [number, number, number] = [0, 0, 0]) {
  const corners: number[] = [];
  for (let k = 0; k < 2; k++)
    for (let j = 0; j < 2; j++)
      for (let i = 0; i < 2; i++) corners.push(i + offset[0], j + offset[1], k + offset[2]);
  const id = (i: number, j: number, k: number) => i + 2 * j + 4 * k;
  const tets: number[] = [];
  const axes = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  for (const order of axes) {
    const p = [0, 0, 0];
    const path = [id(0, 0, 0)];
    for (const a of order) {
      p[a] = 1;
      path.push(id(p[0], p[1], p[2]));
    }
    tets.push(...path);
  }
  return { nodes: Float64Array.from(corners), tets: Uint32Array.from(tets) };
}

function polygonAreasPx(svg: string): number {
  let total = 0;
  for (const match of svg.matchAll(/<polygon points="([^"]+)"/g)) {
    const pts = match[1].split(' ').map((p) => p.split(',').map(Number));
    let twice = 0;
    for (let i = 0; i < pts.length; i++) {
      const [x1, y1] = pts[i];
      const [x2, y2] = pts[(i + 1) % pts.length];
      twice += x1 * y2 - x2 * y1;
    }
    total += Math.abs(twice) / 2;
  }
  return total;
}

describe('sectionSvg', () => {
  it('cuts a unit cube through its middle into polygons covering 1 mm2', () => {
    const mesh = kuhnCube();
    const svg = sectionSvg(mesh, {
      axis: [0, 0, 1],
      values: new Float64Array(6).fill(0.5),
      maxValue: 1,
      valueLabel: 'ratio',
      caption: ['a & b'],
      region: new Uint8Array(6).fill(ElementRegion.Body),
    });
    // The plane x = 0.5 cuts every one of the six tetrahedra.
    expect(svg.match(/<polygon /g)?.length).toBe(6);
    // Drawn at 560 px per mm (the largest extent, 1 mm, spans 560 px), to the coordinates'
    // one-decimal rounding.
    expect(polygonAreasPx(svg)).toBeCloseTo(560 * 560, -2);
    expect(svg).toContain('a &amp; b');
  });
});

describe('checkBodyIsAnterior', () => {
  const twoCubes = () => {
    const front = kuhnCube([0, 5, 0]);
    const back = kuhnCube([0, -5, 0]);
    const nodes = Float64Array.from([...front.nodes, ...back.nodes]);
    const tets = Uint32Array.from([...front.tets, ...Array.from(back.tets, (n) => n + 8)]);
    return { nodes, tets };
  };

  it('finds the body 10 mm anterior (+y) of the posterior elements', () => {
    const region = Uint8Array.from([...Array(6).fill(1), ...Array(6).fill(2)]);
    const check = checkBodyIsAnterior(twoCubes(), region);
    expect(check?.bodyIsAnterior).toBe(true);
    expect(check?.bodyToPosteriorOffsetMm[1]).toBeCloseTo(10, 12);
    expect(check?.bodyToPosteriorOffsetMm[0]).toBeCloseTo(0, 12);
  });

  it('flags a body lying posterior, and says nothing without both regions', () => {
    const swapped = Uint8Array.from([...Array(6).fill(2), ...Array(6).fill(1)]);
    expect(checkBodyIsAnterior(twoCubes(), swapped)?.bodyIsAnterior).toBe(false);
    expect(checkBodyIsAnterior(twoCubes(), new Uint8Array(12).fill(1))).toBeNull();
  });
});
