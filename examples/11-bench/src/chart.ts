// Draws the bench result as a small self-contained SVG (no chart library needed for two bar
// panels): end-to-end throughput and pickup latency p50/p99, both on log scales.
import type { Backend } from './driver';

/** What the chart needs of a driver's result. */
export interface ChartRow {
  name: string;
  backend: Backend;
  e2eRate: number;
  p50Ms: number;
  p99Ms: number;
}

const ROW = 34;
const LABEL = 130;
const PANEL = 330;
const GAP = 40;

export function renderChart(results: ChartRow[], title: string): string {
  const top = 64;
  const height = top + results.length * ROW + 46;
  const width = LABEL + PANEL * 2 + GAP + 110; // room for the labels right of the longest bars
  const tpMax = Math.max(...results.map((r) => r.e2eRate), 10);
  const tpMin = Math.max(1, Math.min(...results.map((r) => r.e2eRate).filter((v) => v > 0)) / 4);
  const latVals = results.flatMap((r) => [r.p50Ms, r.p99Ms]).filter((v) => Number.isFinite(v) && v > 0);
  const latMin = Math.min(0.1, ...latVals);
  const latMax = Math.max(1, ...latVals);
  const logScale = (v: number, lo: number, hi: number) =>
    v <= 0 || !Number.isFinite(v) ? 0 : (Math.log10(v / lo) / Math.log10(hi / lo)) * PANEL;
  const x2 = LABEL + PANEL + GAP;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  parts.push(`<text x="10" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`);
  parts.push(`<text x="${LABEL}" y="${top - 12}" font-weight="bold">end-to-end throughput, msg/s (log)</text>`);
  parts.push(`<text x="${x2}" y="${top - 12}" font-weight="bold">pickup latency, ms (log): p50 ■ p99 □</text>`);
  results.forEach((r, i) => {
    const y = top + i * ROW;
    parts.push(`<text x="${LABEL - 8}" y="${y + 17}" text-anchor="end">${esc(r.name)}</text>`);
    const w = Math.max(1, logScale(r.e2eRate, tpMin, tpMax * 1.5));
    parts.push(`<rect x="${LABEL}" y="${y + 4}" width="${w.toFixed(1)}" height="${ROW - 10}" fill="${color(r.backend)}"/>`);
    parts.push(`<text x="${LABEL + w + 4}" y="${y + 17}">${r.e2eRate.toLocaleString('en-US')}</text>`);
    const w99 = Math.max(1, logScale(r.p99Ms, latMin / 2, latMax * 2));
    const w50 = Math.max(1, logScale(r.p50Ms, latMin / 2, latMax * 2));
    parts.push(`<rect x="${x2}" y="${y + 4}" width="${w99.toFixed(1)}" height="${ROW - 10}" fill="none" stroke="${color(r.backend)}"/>`);
    parts.push(`<rect x="${x2}" y="${y + 4}" width="${w50.toFixed(1)}" height="${ROW - 10}" fill="${color(r.backend)}"/>`);
    parts.push(`<text x="${x2 + w99 + 4}" y="${y + 17}">${fmt(r.p50Ms)} / ${fmt(r.p99Ms)}</text>`);
  });
  const legendY = top + results.length * ROW + 24;
  (['postgres', 'redis', 'nats', 'rabbitmq'] as const).forEach((b, i) => {
    parts.push(`<rect x="${LABEL + i * 110}" y="${legendY - 10}" width="12" height="12" fill="${color(b)}"/><text x="${LABEL + i * 110 + 16}" y="${legendY}">${b}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function color(backend: Backend): string {
  return { postgres: '#336791', redis: '#d82c20', nats: '#27aae1', rabbitmq: '#ff6600' }[backend];
}

function fmt(ms: number): string {
  return Number.isFinite(ms) ? (ms < 10 ? ms.toFixed(2) : ms.toFixed(0)) : 'n/a';
}

function esc(s: string): string {
  return s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);
}
