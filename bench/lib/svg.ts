/**
 * A small grouped bar chart as SVG text, drawn here so the benchmark needs no plotting package:
 * one group per x label, one bar per series, a value printed above each bar.
 */
export interface BarSeries {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
}

export interface BarChart {
  readonly title: string;
  readonly unit: string;
  readonly groups: readonly string[];
  readonly series: readonly BarSeries[];
}

const W = 640;
const H = 320;
const PAD = { left: 56, right: 16, top: 40, bottom: 56 };

const esc = (s: string) => s.replace(/&/gu, '&amp;').replace(/</gu, '&lt;');

function fmt(v: number): string {
  if (!Number.isFinite(v)) return '';
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

export function renderBarChart(chart: BarChart): string {
  const finite = chart.series.flatMap((s) => s.values).filter(Number.isFinite);
  const top = Math.max(1e-9, ...finite) * 1.15;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const groupW = plotW / Math.max(1, chart.groups.length);
  const barW = (groupW * 0.8) / Math.max(1, chart.series.length);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(chart.title)}</text>`,
    `<line x1="${PAD.left}" y1="${y(0)}" x2="${W - PAD.right}" y2="${y(0)}" stroke="#333"/>`,
    `<text x="14" y="${PAD.top + plotH / 2}" transform="rotate(-90 14 ${PAD.top + plotH / 2})" text-anchor="middle">${esc(chart.unit)}</text>`,
  ];
  chart.groups.forEach((group, g) => {
    const x0 = PAD.left + g * groupW + groupW * 0.1;
    parts.push(
      `<text x="${x0 + groupW * 0.4}" y="${H - PAD.bottom + 16}" text-anchor="middle">${esc(group)}</text>`,
    );
    chart.series.forEach((s, k) => {
      const v = s.values[g] ?? NaN;
      if (!Number.isFinite(v)) return;
      const x = x0 + k * barW;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(y(0) - y(v)).toFixed(1)}" fill="${s.color}"/>`,
      );
      parts.push(
        `<text x="${(x + barW / 2).toFixed(1)}" y="${(y(v) - 3).toFixed(1)}" text-anchor="middle" font-size="9">${fmt(v)}</text>`,
      );
    });
  });
  chart.series.forEach((s, k) => {
    const x = PAD.left + k * 150;
    parts.push(`<rect x="${x}" y="${H - 22}" width="10" height="10" fill="${s.color}"/>`);
    parts.push(`<text x="${x + 14}" y="${H - 13}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
