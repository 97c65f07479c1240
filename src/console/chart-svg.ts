// Draws the overview's per-day charts as SVG on the server: lines with a distinct dash and marker
// per series (so colour is never the only cue), a title and a description for screen readers,
// and no script or inline style (the page's CSP allows neither). A data table sits beside each.

export interface ChartSeries {
  name: string;
  /** A class from console.css giving the colour and dash. */
  className: string;
  values: number[];
}

export interface ChartInput {
  id: string;
  title: string;
  description: string;
  /** One label per point, YYYY-MM-DD. */
  days: string[];
  series: ChartSeries[];
}

const WIDTH = 720;
const HEIGHT = 240;
const PAD = { left: 40, right: 12, top: 12, bottom: 28 };

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A round top for the axis: 1, 2 or 5 times a power of ten, at least 4. */
function niceMax(value: number): number {
  if (value <= 4) return 4;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((step) => step * power).find((candidate) => candidate >= value)!;
}

export function lineChart({ id, title, description, days, series }: ChartInput): string {
  const top = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (days.length <= 1 ? 0 : (i * plotW) / (days.length - 1));
  const y = (v: number) => PAD.top + plotH - (v * plotH) / top;
  const parts: string[] = [];
  for (let step = 0; step <= 4; step++) {
    const value = (top * step) / 4;
    parts.push(`<line class="chart-grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(value)}" y2="${y(value)}"/>`);
    parts.push(`<text class="chart-axis" x="${PAD.left - 6}" y="${y(value) + 4}" text-anchor="end">${value}</text>`);
  }
  days.forEach((day, i) => {
    // Every seventh day, ending on today (right-aligned, so it stays inside the frame).
    const last = i === days.length - 1;
    if ((days.length - 1 - i) % 7 === 0) parts.push(`<text class="chart-axis" x="${x(i)}" y="${HEIGHT - 8}" text-anchor="${last ? 'end' : 'middle'}">${escape(day.slice(5))}</text>`);
  });
  for (const s of series) {
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(`<g class="chart-series ${escape(s.className)}"><polyline points="${points}"/>`);
    s.values.forEach((v, i) => parts.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5"/>`));
    parts.push('</g>');
  }
  return [
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${id}-title ${id}-desc" focusable="false">`,
    `<title id="${id}-title">${escape(title)}</title>`,
    `<desc id="${id}-desc">${escape(description)}</desc>`,
    ...parts,
    '</svg>',
  ].join('');
}
