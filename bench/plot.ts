/**
 * The benchmark's plot as hand-written SVG: time per PCG iteration (ms) against unknowns, both
 * axes logarithmic, one line per backend over the synthetic size series and open circles for
 * the real samples.
 */
import type { RunRecord } from './runRecord.js';

const width = 760;
const height = 480;
const margin = { left: 70, right: 200, top: 40, bottom: 56 };
const palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];

/** Escapes text for SVG. */
function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Decades covering [min, max] (at least one). */
function decades(min: number, max: number): [number, number] {
  const low = Math.floor(Math.log10(min));
  const high = Math.max(low + 1, Math.ceil(Math.log10(max)));
  return [low, high];
}

/**
 * The SVG document. `isSynthetic` tells which problems form the size series (lines); the others
 * are drawn as open markers.
 */
export function timePerIterationSvg(
  runs: readonly RunRecord[],
  isSynthetic: (problemId: string) => boolean,
  title: string,
): string {
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
  );
  if (runs.length === 0) {
    out.push(`<text x="${width / 2}" y="${height / 2}" text-anchor="middle">no runs</text>`);
    return [...out, '</svg>'].join('\n') + '\n';
  }

  // Axes: log10 of unknowns and of ms per iteration.
  const [x0, x1] = decades(
    Math.min(...runs.map((r) => r.unknowns)),
    Math.max(...runs.map((r) => r.unknowns)),
  );
  const [y0, y1] = decades(
    Math.min(...runs.map((r) => r.timePerIterationMs)),
    Math.max(...runs.map((r) => r.timePerIterationMs)),
  );
  const px = (unknowns: number) => margin.left + ((Math.log10(unknowns) - x0) / (x1 - x0)) * plotW;
  const py = (ms: number) => margin.top + plotH - ((Math.log10(ms) - y0) / (y1 - y0)) * plotH;

  // Grid and tick labels, one per decade.
  for (let d = x0; d <= x1; d++) {
    const x = px(10 ** d).toFixed(1);
    out.push(
      `<line x1="${x}" y1="${margin.top}" x2="${x}" y2="${margin.top + plotH}" stroke="#ddd"/>`,
      `<text x="${x}" y="${margin.top + plotH + 18}" text-anchor="middle">1e${d}</text>`,
    );
  }
  for (let d = y0; d <= y1; d++) {
    const y = py(10 ** d).toFixed(1);
    out.push(
      `<line x1="${margin.left}" y1="${y}" x2="${margin.left + plotW}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${margin.left - 8}" y="${y}" text-anchor="end" dy="4">1e${d}</text>`,
    );
  }
  out.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" ` +
      `fill="none" stroke="#333"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 14}" text-anchor="middle">` +
      `unknowns</text>`,
    `<text x="18" y="${margin.top + plotH / 2}" text-anchor="middle" ` +
      `transform="rotate(-90 18 ${margin.top + plotH / 2})">ms per PCG iteration</text>`,
  );

  // One line (synthetic series) and open markers (real samples) per backend.
  const backends = [...new Set(runs.map((r) => r.backendId))];
  backends.forEach((backend, index) => {
    const colour = palette[index % palette.length];
    const own = runs.filter((r) => r.backendId === backend);
    const series = own
      .filter((r) => isSynthetic(r.problemId))
      .sort((a, b) => a.unknowns - b.unknowns);
    const points = series.map(
      (r) => `${px(r.unknowns).toFixed(1)},${py(r.timePerIterationMs).toFixed(1)}`,
    );
    if (points.length > 1) {
      out.push(
        `<polyline points="${points.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`,
      );
    }
    for (const point of points) {
      const [x, y] = point.split(',');
      out.push(`<circle cx="${x}" cy="${y}" r="3.5" fill="${colour}"/>`);
    }
    for (const r of own.filter((run) => !isSynthetic(run.problemId))) {
      out.push(
        `<circle cx="${px(r.unknowns).toFixed(1)}" cy="${py(r.timePerIterationMs).toFixed(1)}" ` +
          `r="5" fill="none" stroke="${colour}" stroke-width="1.5"/>`,
      );
    }
    const ly = margin.top + 12 + 18 * index;
    const lx = margin.left + plotW + 16;
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" ` +
        `stroke="${colour}" stroke-width="2"/>`,
      `<text x="${lx + 30}" y="${ly + 4}">${escapeXml(backend)}</text>`,
    );
  });
  const noteY = margin.top + 12 + 18 * backends.length + 8;
  out.push(
    `<text x="${margin.left + plotW + 16}" y="${noteY}" fill="#555">lines: synthetic series</text>`,
    `<text x="${margin.left + plotW + 16}" y="${noteY + 16}" fill="#555">open: real samples</text>`,
  );
  return [...out, '</svg>'].join('\n') + '\n';
}
