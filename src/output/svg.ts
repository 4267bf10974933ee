import type { ChartData } from "../core/chart-data.js";
import type { Quadrant } from "../core/rrg.js";
import type { RrgSymbolResult } from "../core/rrg.js";
import type { ValuationHistory } from "../core/size-valuation.js";
import { lookbackWords } from "./format.js";

/** Every label passes through here: data never becomes markup. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] as string).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
}

const n2 = (x: number): string => x.toFixed(2);

interface Scale {
  (value: number): number;
}

function linear(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/** "Nice" tick values covering [min, max]. */
function ticks(min: number, max: number, count: number): number[] {
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

function extent(values: readonly (number | null)[]): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v === null) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) return [0, 1];
  const pad = (max - min) * 0.05 || Math.abs(max) * 0.05 || 1;
  return [min - pad, max + pad];
}

function polyline(values: readonly (number | null)[], x: Scale, y: Scale, attributes: string): string {
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? "L" : "M"}${n2(x(i))},${n2(y(v))}`;
    pen = true;
  });
  return d === "" ? "" : `<path d="${d}" fill="none" ${attributes}/>`;
}

export interface SvgOptions {
  /** false inside HTML, where the namespace is implied and no URL should appear. */
  namespace: boolean;
}

const WIDTH = 1200;
const HEIGHT = 600;

/** The pair chart: ratio and average above, surge and thresholds below, episodes shaded. */
export function chartSvg(data: ChartData, options: SvgOptions = { namespace: true }): string {
  const left = 80;
  const right = WIDTH - 30;
  const top = { y0: 70, y1: 330 };
  const bottom = { y0: 370, y1: 540 };
  const n = data.dates.length;
  const x = linear([0, Math.max(1, n - 1)], [left, right]);
  const ratioExtent = extent([...data.ratio, ...data.movingAverage]);
  const yTop = linear(ratioExtent, [top.y1, top.y0]);
  const surgeExtent = extent([...data.surge, ...data.upper, ...data.lower, 0].map((v) => (v === null ? null : v * 100)));
  const yBottom = linear(surgeExtent, [bottom.y1, bottom.y0]);
  const indexOf = new Map(data.dates.map((d, i) => [d, i]));
  const parts: string[] = [];
  const [a, b] = data.pair.split(":");
  parts.push(`<svg ${options.namespace ? 'xmlns="http://www.w3.org/2000/svg" ' : ""}width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
  parts.push(`<text x="${left}" y="30" font-size="18" font-weight="bold">${escapeXml(`${a ?? ""} / ${b ?? ""}: size rotation`)}</text>`);
  parts.push(`<text x="${left}" y="50" fill="#555">${escapeXml(`${data.dates[0] ?? ""} to ${data.dates[n - 1] ?? ""}; ${data.window}-day surge; episodes at percentile >= ${data.threshold} or <= ${100 - data.threshold}`)}</text>`);
  // Episode bands first, under everything else.
  for (const episode of data.episodes) {
    const from = indexOf.get(episode.start);
    const to = indexOf.get(episode.end);
    if (from === undefined || to === undefined) continue;
    const x0 = x(from) - 1;
    const width = Math.max(2, x(to) - x(from) + 2);
    parts.push(`<rect class="episode ${episode.direction}" x="${n2(x0)}" y="${top.y0}" width="${n2(width)}" height="${bottom.y1 - top.y0}" fill="${episode.direction === "small-surge" ? "#2e7d32" : "#c62828"}" fill-opacity="0.15"><title>${escapeXml(`${episode.direction} ${episode.start}..${episode.end}, peak ${(episode.peakSurge * 100).toFixed(2)}% on ${episode.peakDate}`)}</title></rect>`);
  }
  // Gridlines and value labels.
  for (const value of ticks(ratioExtent[0], ratioExtent[1], 6)) {
    parts.push(`<line class="grid" x1="${left}" x2="${right}" y1="${n2(yTop(value))}" y2="${n2(yTop(value))}" stroke="#e0e0e0"/>`);
    parts.push(`<text x="${left - 8}" y="${n2(yTop(value) + 4)}" text-anchor="end">${escapeXml(value.toFixed(1))}</text>`);
  }
  for (const value of ticks(surgeExtent[0], surgeExtent[1], 4)) {
    parts.push(`<line class="grid" x1="${left}" x2="${right}" y1="${n2(yBottom(value))}" y2="${n2(yBottom(value))}" stroke="${value === 0 ? "#9e9e9e" : "#e0e0e0"}"/>`);
    parts.push(`<text x="${left - 8}" y="${n2(yBottom(value) + 4)}" text-anchor="end">${escapeXml(`${value.toFixed(1)}%`)}</text>`);
  }
  // Date ticks.
  const tickCount = Math.min(8, n);
  for (let k = 0; k < tickCount; k++) {
    const i = tickCount === 1 ? 0 : Math.round((k * (n - 1)) / (tickCount - 1));
    parts.push(`<line x1="${n2(x(i))}" x2="${n2(x(i))}" y1="${bottom.y1}" y2="${bottom.y1 + 5}" stroke="#616161"/>`);
    const anchor = k === 0 ? "start" : k === tickCount - 1 ? "end" : "middle";
    parts.push(`<text class="date-tick" x="${n2(x(i))}" y="${bottom.y1 + 20}" text-anchor="${anchor}">${escapeXml(data.dates[i] ?? "")}</text>`);
  }
  parts.push(`<line x1="${left}" x2="${right}" y1="${bottom.y1}" y2="${bottom.y1}" stroke="#616161"/>`);
  // Series.
  parts.push(polyline(data.movingAverage, x, yTop, 'class="series moving-average" stroke="#757575" stroke-width="1.5" stroke-dasharray="5,3"'));
  parts.push(polyline(data.ratio, x, yTop, 'class="series ratio" stroke="#1565c0" stroke-width="1.5"'));
  const pct = (values: readonly (number | null)[]) => values.map((v) => (v === null ? null : v * 100));
  parts.push(polyline(pct(data.upper), x, yBottom, 'class="series threshold" stroke="#c62828" stroke-width="1" stroke-dasharray="4,3"'));
  parts.push(polyline(pct(data.lower), x, yBottom, 'class="series threshold" stroke="#c62828" stroke-width="1" stroke-dasharray="4,3"'));
  parts.push(polyline(pct(data.surge), x, yBottom, 'class="series surge" stroke="#6a1b9a" stroke-width="1.2"'));
  // The as-of values, labelled.
  const lastRatio = data.ratio[n - 1];
  if (lastRatio !== undefined) {
    parts.push(`<circle cx="${n2(x(n - 1))}" cy="${n2(yTop(lastRatio))}" r="4" fill="#1565c0"/>`);
    parts.push(`<text class="as-of" x="${n2(x(n - 1) - 6)}" y="${n2(yTop(lastRatio) - 8)}" text-anchor="end" font-weight="bold">${escapeXml(`${lastRatio.toFixed(2)} on ${data.dates[n - 1]}`)}</text>`);
  }
  const lastSurge = data.surge[n - 1];
  if (lastSurge !== null && lastSurge !== undefined) {
    parts.push(`<text class="as-of" x="${n2(x(n - 1) - 6)}" y="${n2(yBottom(lastSurge * 100) - 8)}" text-anchor="end" font-weight="bold">${escapeXml(`${(lastSurge * 100).toFixed(2)}%`)}</text>`);
  }
  // Legend.
  const legend: [string, string, string][] = [
    ["#1565c0", "", `${a ?? ""}/${b ?? ""} rebased to 100`],
    ["#757575", "5,3", "50-day average"],
    ["#6a1b9a", "", `${data.window}-day surge`],
    ["#c62828", "4,3", data.lookback === "all" ? "point-in-time thresholds" : `point-in-time thresholds (last ${lookbackWords(data.lookback)})`],
  ];
  // One row between the panels, so that no label of the data sits under it.
  const legendY = (top.y1 + bottom.y0) / 2 + 4;
  let lx = left;
  for (const [color, dash, label] of legend) {
    parts.push(`<line x1="${lx}" x2="${lx + 24}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`);
    parts.push(`<text class="legend" x="${lx + 30}" y="${legendY}">${escapeXml(label)}</text>`);
    lx += 40 + label.length * 7;
  }
  for (const [color, label] of [["#2e7d32", "small-surge episode"], ["#c62828", "large-surge episode"]] as const) {
    parts.push(`<rect x="${lx}" y="${legendY - 9}" width="24" height="10" fill="${color}" fill-opacity="0.3"/><text class="legend" x="${lx + 30}" y="${legendY}">${label}</text>`);
    lx += 40 + label.length * 7;
  }
  parts.push("</svg>");
  return `${parts.filter(Boolean).join("\n")}\n`;
}

const QUADRANT_COLORS: Record<Quadrant, string> = { Leading: "#2e7d32", Weakening: "#f9a825", Lagging: "#c62828", Improving: "#1565c0" };
/** Twelve colours told apart on white (and in print); beyond twelve funds the marker's shape differs too. */
const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#555555", "#9a8c00", "#393b79", "#00796b"];

function markerShape(k: number, cx: number, cy: number, color: string, title: string): string {
  const shape = Math.floor(k / PALETTE.length) % 4;
  const label = `<title>${escapeXml(title)}</title>`;
  if (shape === 0) return `<circle class="marker" cx="${n2(cx)}" cy="${n2(cy)}" r="6" fill="${color}">${label}</circle>`;
  if (shape === 1) return `<rect class="marker" x="${n2(cx - 5.5)}" y="${n2(cy - 5.5)}" width="11" height="11" fill="${color}">${label}</rect>`;
  const points = shape === 2 ? [[0, -7], [6.5, 5], [-6.5, 5]] : [[0, -7], [7, 0], [0, 7], [-7, 0]];
  return `<polygon class="marker" points="${points.map(([dx, dy]) => `${n2(cx + dx!)},${n2(cy + dy!)}`).join(" ")}" fill="${color}">${label}</polygon>`;
}

/**
 * Labels placed one by one beside their marker (right, left, above right, below right), the first
 * place that overlaps no label already placed; failing all four, moved down until clear.
 */
function placeLabels(wanted: { x: number; y: number; text: string }[]): { x: number; y: number }[] {
  const placed: { x: number; y: number; w: number }[] = [];
  const clear = (x: number, y: number, w: number) => !placed.some((p) => Math.abs(p.y - y) < 14 && x < p.x + p.w && p.x < x + w);
  return wanted.map(({ x, y, text }) => {
    const w = text.length * 7.5 + 4;
    const candidates = [[x + 9, y - 7], [x - 9 - w, y - 7], [x + 9, y - 21], [x + 9, y + 19]] as const;
    let spot = candidates.find(([cx, cy]) => clear(cx, cy, w));
    if (!spot) {
      let at = y - 7;
      for (let tries = 0; tries < 40 && !clear(x + 9, at, w); tries++) at += 14;
      spot = [x + 9, at];
    }
    placed.push({ x: spot[0], y: spot[1], w });
    return { x: spot[0], y: spot[1] };
  });
}

/** The Relative Rotation Graph: four coloured quadrants, each fund's tail ending in a marker. */
export function rrgSvg(benchmark: string, asOf: string, symbols: readonly RrgSymbolResult[], options: SvgOptions & { subtitle?: string } = { namespace: true }): string {
  const left = 80;
  const right = WIDTH - 220;
  const top = 60;
  const bottom = HEIGHT - 60;
  const points = symbols.flatMap((s) => s.tail);
  const spread = Math.max(1, ...points.flatMap((p) => [Math.abs(p.ratio - 100), Math.abs(p.momentum - 100)])) * 1.15;
  const x = linear([100 - spread, 100 + spread], [left, right]);
  const y = linear([100 - spread, 100 + spread], [bottom, top]);
  const parts: string[] = [];
  parts.push(`<svg ${options.namespace ? 'xmlns="http://www.w3.org/2000/svg" ' : ""}width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
  parts.push(`<text x="${left}" y="30" font-size="18" font-weight="bold">${escapeXml(`Relative Rotation Graph against ${benchmark}, as of ${asOf}`)}</text>`);
  const dates = points.map((p) => p.date).sort();
  const span = dates.length > 0 ? `tails from ${dates[0]} to ${dates.at(-1)}` : "";
  const subtitle = options.subtitle ? `${options.subtitle}${span ? `, ${span}` : ""}` : span;
  if (subtitle) parts.push(`<text class="subtitle" x="${left}" y="50" font-size="12" fill="#444444">${escapeXml(subtitle)}</text>`);
  parts.push(
    `<defs>${symbols.map((_, k) => `<marker id="arrow-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${PALETTE[k % PALETTE.length]}"/></marker>`).join("")}</defs>`,
  );
  const cx = x(100);
  const cy = y(100);
  const quadrants: [Quadrant, number, number, number, number][] = [
    ["Improving", left, top, cx - left, cy - top],
    ["Leading", cx, top, right - cx, cy - top],
    ["Lagging", left, cy, cx - left, bottom - cy],
    ["Weakening", cx, cy, right - cx, bottom - cy],
  ];
  for (const [name, qx, qy, w, h] of quadrants) {
    parts.push(`<rect class="quadrant" x="${n2(qx)}" y="${n2(qy)}" width="${n2(w)}" height="${n2(h)}" fill="${QUADRANT_COLORS[name]}" fill-opacity="0.1"/>`);
    const labelX = name === "Leading" || name === "Weakening" ? qx + w - 10 : qx + 10;
    const labelY = name === "Improving" || name === "Leading" ? qy + 22 : qy + h - 12;
    parts.push(`<text class="quadrant-label" x="${n2(labelX)}" y="${n2(labelY)}" text-anchor="${name === "Leading" || name === "Weakening" ? "end" : "start"}" font-size="16" font-weight="bold" fill="${QUADRANT_COLORS[name]}">${name}</text>`);
  }
  parts.push(`<line x1="${left}" x2="${right}" y1="${n2(cy)}" y2="${n2(cy)}" stroke="#616161"/><line x1="${n2(cx)}" x2="${n2(cx)}" y1="${top}" y2="${bottom}" stroke="#616161"/>`);
  for (const value of ticks(100 - spread, 100 + spread, 6)) {
    parts.push(`<text x="${n2(x(value))}" y="${bottom + 18}" text-anchor="middle">${escapeXml(value.toFixed(1))}</text>`);
    parts.push(`<text x="${left - 8}" y="${n2(y(value) + 4)}" text-anchor="end">${escapeXml(value.toFixed(1))}</text>`);
  }
  parts.push(`<text x="${n2((left + right) / 2)}" y="${bottom + 40}" text-anchor="middle">RS-Ratio</text>`);
  parts.push(`<text transform="rotate(-90)" x="${n2(-(top + bottom) / 2)}" y="22" text-anchor="middle">RS-Momentum</text>`);
  const drawn = symbols.filter((item) => item.tail.length > 0);
  const labels = placeLabels(drawn.map((item) => ({ x: x(item.tail.at(-1)!.ratio) + 9, y: y(item.tail.at(-1)!.momentum) - 7, text: item.symbol })));
  symbols.forEach((item, k) => {
    const color = PALETTE[k % PALETTE.length] as string;
    if (item.tail.length === 0) return;
    const first = item.tail[0]!;
    const last = item.tail[item.tail.length - 1]!;
    const d = item.tail.map((p, i) => `${i === 0 ? "M" : "L"}${n2(x(p.ratio))},${n2(y(p.momentum))}`).join("");
    item.tail.slice(0, -1).forEach((p) => parts.push(`<circle class="tail-point" cx="${n2(x(p.ratio))}" cy="${n2(y(p.momentum))}" r="2.5" fill="${color}"><title>${escapeXml(`${item.symbol} ${p.date}: ${p.quadrant}`)}</title></circle>`));
    parts.push(markerShape(k, x(last.ratio), y(last.momentum), color, `${item.symbol} ${last.date}: ratio ${last.ratio.toFixed(2)}, momentum ${last.momentum.toFixed(2)}`));
    // The arrow shows the direction of travel; the subtitle gives the tails' first and last dates.
    parts.push(`<path class="tail" d="${d}" fill="none" stroke="${color}" stroke-width="2" marker-end="url(#arrow-${k})"/>`);
    const label = labels[drawn.indexOf(item)]!;
    parts.push(`<text class="symbol-label" x="${n2(label.x)}" y="${n2(label.y)}" font-weight="bold" fill="${color}">${escapeXml(item.symbol)}</text>`);
    parts.push(`<text class="legend" x="${right + 20}" y="${80 + k * 20}" fill="${color}">${escapeXml(`${item.symbol}: ${item.travel ?? "n/a"}`)}<title>${escapeXml(`${item.symbol}: ${first.date} to ${last.date}`)}</title></text>`);
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

/** A single offline HTML file: the SVG inline, no script, no external asset. */
export function htmlPage(title: string, svg: string): string {
  return `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escapeXml(title)}</title>\n<style>body{margin:24px;font-family:sans-serif;background:#fafafa}svg{max-width:100%;height:auto;background:#fff}</style>\n</head>\n<body>\n${svg}</body>\n</html>\n`;
}

/**
 * The valuation history: small's book-to-market over large's, month by month to the latest month
 * known at the as-of date, over the span it is ranked against, with that span's 10th to 90th
 * percentile shaded, its median dashed, and the latest month marked with its percentile.
 */
export function valuationHistorySvg(points: readonly { month: string; ratio: number }[], history: ValuationHistory, options: SvgOptions = { namespace: true }): string {
  const split = history.splits.find((s) => s.split === history.split);
  const from = split?.rankedFrom ?? points[0]?.month ?? "";
  const shown = points.filter((p) => p.month >= from && (split === undefined || p.month <= split.month));
  const parts: string[] = [`<svg ${options.namespace ? 'xmlns="http://www.w3.org/2000/svg" ' : ""}viewBox="0 0 ${WIDTH} 420" width="${WIDTH}" height="420" font-family="sans-serif" font-size="12">`];
  parts.push(`<rect width="${WIDTH}" height="420" fill="#ffffff"/>`);
  parts.push(`<text x="70" y="30" font-size="18" font-weight="bold">${escapeXml(`Small vs large book-to-market (${split?.label ?? ""}), Fama/French ${history.dataset}`)}</text>`);
  parts.push(`<text x="70" y="50" fill="#555">${escapeXml(`${from} to ${split?.month ?? ""}; shaded: 10th to 90th percentile of the span; a proxy (price-to-book), not the indexes' P/E`)}</text>`);
  if (shown.length < 2) return `${parts.join("")}</svg>`;
  const left = 70;
  const right = WIDTH - 30;
  const top = 70;
  const bottom = 370;
  const values = shown.map((p) => p.ratio);
  const x = linear([0, shown.length - 1], [left, right]);
  const y = linear(extent(values), [bottom, top]);
  const earlier = [...values.slice(0, -1)].sort((a, b) => a - b);
  const at = (q: number) => earlier[Math.min(earlier.length - 1, Math.max(0, Math.round(q * (earlier.length - 1))))] as number;
  if (earlier.length > 0) {
    parts.push(`<rect class="band" x="${left}" y="${n2(y(at(0.9)))}" width="${right - left}" height="${n2(y(at(0.1)) - y(at(0.9)))}" fill="#1565c0" fill-opacity="0.10"/>`);
    parts.push(`<line x1="${left}" x2="${right}" y1="${n2(y(at(0.5)))}" y2="${n2(y(at(0.5)))}" stroke="#757575" stroke-dasharray="5,3"/>`);
  }
  for (const value of ticks(...extent(values), 5)) parts.push(`<text x="${left - 8}" y="${n2(y(value) + 4)}" text-anchor="end">${escapeXml(value.toFixed(1))}</text>`);
  for (const i of [0, Math.floor((shown.length - 1) / 2), shown.length - 1]) parts.push(`<text x="${n2(x(i))}" y="${bottom + 20}" text-anchor="${i === 0 ? "start" : i === shown.length - 1 ? "end" : "middle"}">${escapeXml(shown[i]?.month ?? "")}</text>`);
  parts.push(polyline(values, x, y, 'stroke="#1565c0" stroke-width="2"'));
  const last = shown.length - 1;
  parts.push(`<circle cx="${n2(x(last))}" cy="${n2(y(values[last] as number))}" r="4" fill="#c62828"/>`);
  parts.push(`<text x="${n2(x(last) - 8)}" y="${n2(y(values[last] as number) - 10)}" text-anchor="end" font-weight="bold">${escapeXml(`${(values[last] as number).toFixed(2)}x in ${split?.month ?? ""}${split?.percentile == null ? "" : `, percentile ${split.percentile.toFixed(0)}`}`)}</text>`);
  parts.push("</svg>");
  return parts.join("");
}

/** A pair's rolling correlation with a driver over the last sessions, with the zero line: report's drivers chart. */
export function correlationSvg(history: { pair: string; driver: string; dates: readonly string[]; correlation: readonly (number | null)[] }, window: number, options: SvgOptions = { namespace: true }): string {
  const parts: string[] = [`<svg ${options.namespace ? 'xmlns="http://www.w3.org/2000/svg" ' : ""}viewBox="0 0 ${WIDTH} 360" width="${WIDTH}" height="360" font-family="sans-serif" font-size="12">`];
  parts.push(`<rect width="${WIDTH}" height="360" fill="#ffffff"/>`);
  parts.push(`<text x="70" y="30" font-size="18" font-weight="bold">${escapeXml(`${history.pair}: ${window}-day correlation with ${history.driver}`)}</text>`);
  parts.push(`<text x="70" y="50" fill="#555">${escapeXml(`${history.dates[0] ?? ""} to ${history.dates.at(-1) ?? ""}; each day's value from the ${window} sessions up to it; the dashed line is zero`)}</text>`);
  if (history.dates.length < 2) return `${parts.join("")}</svg>`;
  const left = 70;
  const right = WIDTH - 30;
  const top = 70;
  const bottom = 310;
  const x = linear([0, history.dates.length - 1], [left, right]);
  const y = linear([-1, 1], [bottom, top]);
  parts.push(`<line x1="${left}" x2="${right}" y1="${n2(y(0))}" y2="${n2(y(0))}" stroke="#757575" stroke-dasharray="5,3"/>`);
  for (const value of [-1, -0.5, 0, 0.5, 1]) parts.push(`<text x="${left - 8}" y="${n2(y(value) + 4)}" text-anchor="end">${escapeXml(value.toFixed(1))}</text>`);
  const last = history.dates.length - 1;
  for (const i of [0, Math.floor(last / 2), last]) parts.push(`<text x="${n2(x(i))}" y="${bottom + 20}" text-anchor="${i === 0 ? "start" : i === last ? "end" : "middle"}">${escapeXml(history.dates[i] ?? "")}</text>`);
  parts.push(polyline(history.correlation, x, y, 'stroke="#1565c0" stroke-width="2"'));
  const end = history.correlation[last];
  if (end !== null && end !== undefined) {
    parts.push(`<circle cx="${n2(x(last))}" cy="${n2(y(end))}" r="4" fill="#c62828"/>`);
    parts.push(`<text x="${n2(x(last) - 8)}" y="${n2(y(end) - 10)}" text-anchor="end" font-weight="bold">${escapeXml(`${end >= 0 ? "+" : "-"}${Math.abs(end).toFixed(2)} on ${history.dates[last] ?? ""}`)}</text>`);
  }
  parts.push("</svg>");
  return parts.join("");
}
