/**
 * The hand-written SVG plot: log-log placement of points worked out by hand, one line per
 * backend over the synthetic series, open markers for the real samples.
 */
import { describe, expect, it } from 'vitest';
import { timePerIterationSvg } from '../../bench/plot.js';
import type { RunRecord } from '../../bench/runRecord.js';

function run(backendId: string, problemId: string, unknowns: number, ms: number): RunRecord {
  return { backendId, problemId, unknowns, timePerIterationMs: ms } as RunRecord;
}

describe('timePerIterationSvg', () => {
  const runs = [
    run('js', 'synthetic-10k', 1e4, 1),
    run('js', 'synthetic-1M', 1e6, 100),
    run('js', 'real', 1e5, 10),
    run('wasm-1t', 'synthetic-10k', 1e4, 0.5),
  ];
  const svg = timePerIterationSvg(runs, (id) => id.startsWith('synthetic'), 'title & more');

  it('places points on log axes spanning whole decades', () => {
    // x: decades 4..6 over 490 px from x = 70; y: decades -1..2 over 384 px from y = 424.
    // js 1e4 at 1 ms: x 70, y 424 - 384 / 3 = 296; 1e6 at 100 ms: x 560, y 40.
    expect(svg).toContain('<polyline points="70.0,296.0 560.0,40.0"');
    // The real sample: x 70 + 245 = 315, y 424 - 2 * 128 = 168, an open circle.
    expect(svg).toContain('<circle cx="315.0" cy="168.0" r="5" fill="none"');
    // wasm-1t has a single synthetic point: a marker, no line.
    expect(svg).toContain('<circle cx="70.0" cy="334.5" r="3.5"');
    expect(svg.match(/<polyline/g)?.length).toBe(1);
  });

  it('labels every backend and escapes text', () => {
    expect(svg).toContain('>js</text>');
    expect(svg).toContain('>wasm-1t</text>');
    expect(svg).toContain('title &#38; more');
  });

  it('draws an empty plot without runs', () => {
    expect(timePerIterationSvg([], () => true, 'none')).toContain('no runs');
  });
});
