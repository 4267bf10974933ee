import type { PairResult, TickerResult } from "../core/check.js";
import { SIZES, STYLES } from "../core/grid.js";
import { VERSION } from "../version.js";
import { priceProvider } from "../sources/providers.js";
import { formatNumber, formatPercent, formatPercentile, formatSigned, lookbackWords, NOT_AVAILABLE, surgeBands } from "./format.js";
import { rankedSpanNote } from "./check.js";
import { SUMMARY_HEADERS, summaryFootnotes, summaryRows } from "./episodes.js";
import { headlinesOf, NOTABLE_VALUATION } from "./headlines.js";
import { QUADRANT_CODE } from "./rrg.js";
import { chartSvg, correlationSvg, escapeXml, rrgSvg, valuationHistorySvg } from "./svg.js";
import { contextLine, type CheckContext, type CorrelationHistory } from "./drivers.js";
import { historyReading } from "./valuation.js";
import type { CheckResult } from "../core/check.js";
import type { ChartData } from "../core/chart-data.js";
import type { IsoDate } from "../core/dates.js";
import type { SizeValuationPoint, ValuationHistory } from "../core/size-valuation.js";
import type { ValuationReport } from "../core/valuation.js";
import type { SourceInfo } from "../sources/source.js";
import type { EpisodesReport } from "./episodes.js";
import type { GridReport } from "./grid.js";
import type { RrgReport } from "./rrg.js";

/**
 * Everything `rotation report` shows, computed by the same use cases as the commands. Report
 * types live with their renderers (src/output/); the use cases import them, never the reverse.
 */
export interface Report {
  asOf: IsoDate;
  check: CheckResult;
  source: SourceInfo;
  valuation: ValuationReport | null;
  /** The Fama/French valuation history from its cache, and its headline split's months. */
  history: ValuationHistory | null;
  historyPoints: SizeValuationPoint[];
  charts: ChartData[];
  rrg: RrgReport | null;
  /** Episodes that ended within the year before the as-of date, with the summary of all. */
  episodes: EpisodesReport;
  grid: GridReport | null;
  /** Drivers, breadth and the calendar beside the pairs (from series at hand), and the first pair's correlation history. */
  context: CheckContext;
  contextHistory: CorrelationHistory | null;
  parameters: { window: number; threshold: number; lookback: string; gap: number };
  warnings: string[];
}

/**
 * `rotation report`: the whole picture as of a date, as one self-contained HTML page (no
 * external request, no script needed to read it, light and dark, printable, accessible tables)
 * or as GitHub-flavoured Markdown with the charts as SVG files beside it. One list of sections
 * feeds both, so they can never say different things.
 */

interface Table {
  caption: string;
  head: string[];
  /** The first cell of each row is its header (scope="row"). */
  rows: string[][];
  /** A class per row (e.g. the signal), for styling only: the text says it too. */
  rowClass?: (index: number) => string;
}

interface Section {
  id: string;
  title: string;
  paragraphs?: string[];
  list?: string[];
  tables?: Table[];
  /** Pictures: SVG markup with a title, and the file name Markdown gives it. */
  figures?: { svg: string; caption: string; file: string }[];
}

const e = escapeXml;

function signalText(pair: PairResult): string {
  return pair.signal === "small-surge" ? "SMALL-SURGE" : pair.signal === "large-surge" ? "LARGE-SURGE" : "";
}

/** A picture's accessible name: a <title> as the SVG's first child. */
function titled(svg: string, title: string): string {
  return svg.replace(/^(<svg[^>]*>)/, `$1<title>${e(title)}</title>`);
}

export function reportSections(report: Report): Section[] {
  const { check, parameters } = report;
  const window = parameters.window;
  const sections: Section[] = [];
  const headlines = headlinesOf(check, { threshold: parameters.threshold, valuation: report.valuation });
  sections.push({ id: "headlines", title: "Headlines", list: headlines.length > 0 ? headlines : ["Nothing notable: no move at or beyond the threshold."] });

  const returnsCells = (r: TickerResult["returns"]) => [r.d1, r.d5, r.d21, r.d63, r.d252, r.ytd].map((v) => formatPercent(v));
  sections.push({
    id: "funds",
    title: "Funds",
    tables: [
      {
        caption: `Returns to each fund's last date on or before ${check.asOf}, and its own ${window}-day move ranked against its history`,
        head: ["Ticker", "Group", "Date", "Close", "1D", "5D", "21D", "63D", "252D", "YTD", `Pctile ${window}D`, "Largest since"],
        rows: check.tickers.map((t) => [t.symbol, t.group, `${t.date}${t.provisional ? " (provisional)" : ""}`, formatNumber(t.close), ...returnsCells(t.returns), formatPercentile(t.surge.percentile, surgeBands(report.parameters.threshold)), t.surge.percentile === null ? NOT_AVAILABLE : (t.surge.largestSince ?? "record")]),
      },
    ],
  });
  sections.push({
    id: "pairs",
    title: "Pairs",
    tables: [
      {
        caption: `Relative returns, ${window}-day surge ranked point in time (signal at percentile ≥ ${parameters.threshold} or ≤ ${100 - parameters.threshold}), streak, distance from the ratio's peak and RRG quadrant`,
        head: ["Pair", "Date", "Rel 21D", "Rel 63D", "Rel YTD", `Surge ${window}D`, "z", "Pctile", "Largest since", "Signal", "Streak", "From peak", "RRG"],
        rows: check.pairs.map((p) => [
          p.pair,
          p.date ?? NOT_AVAILABLE,
          formatPercent(p.relative.d21),
          formatPercent(p.relative.d63),
          formatPercent(p.relative.ytd),
          formatPercent(p.surge.value),
          formatSigned(p.surge.zScore),
          formatPercentile(p.surge.percentile, surgeBands(report.parameters.threshold)),
          p.surge.percentile === null ? NOT_AVAILABLE : (p.surge.largestSince ?? "record"),
          signalText(p) || "—",
          p.streak.leader ? `${p.streak.leader} ${p.streak.sessions}` : "—",
          formatPercent(p.ratio?.fromPeak),
          p.rrg?.quadrant ?? NOT_AVAILABLE,
        ]),
        rowClass: (i) => (check.pairs[i]?.signal ? `signal ${check.pairs[i]!.signal}` : ""),
      },
      ...(report.valuation
        ? [
            {
              caption: `Trailing P/E spreads (figures dated; stale ones marked and never used for a signal)`,
              head: ["Valuation", "P/E date", "Spread", "Ratio", "Yield gap", "Pctile"],
              rows: report.valuation.pairs.map((p) => [p.pair, p.date ? `${p.date}${p.stale ? " (stale)" : ""}` : NOT_AVAILABLE, formatNumber(p.trailing.spread), formatNumber(p.trailing.ratio, 3), formatPercent(p.trailing.yieldGap), p.trailing.rank ? formatPercentile(p.trailing.rank.percentile, NOTABLE_VALUATION) : NOT_AVAILABLE]),
            },
          ]
        : []),
    ],
  });
  if (report.history) {
    sections.push({
      id: "valuation-history",
      title: "Valuation history",
      paragraphs: [historyReading(report.history), "Book-to-market of the small size group over the large one's: higher means small caps are cheaper against large. A month's figures are known from the end of the month after it, so the latest can be months before the report's date; each July the portfolios are formed anew and the series jumps."],
      figures: [{ svg: titled(valuationHistorySvg(report.historyPoints, report.history, { namespace: false }), "Small vs large book-to-market, Fama/French"), caption: `Small vs large book-to-market to ${report.history.splits[0]?.month ?? ""} (Fama/French ${report.history.dataset}, CRSP vintage ${report.history.vintage ?? "unknown"})`, file: "valuation-history.svg" }],
    });
  }
  sections.push({
    id: "charts",
    title: "Ratio and surge",
    paragraphs: ["Each pair's price ratio (rebased to 100, with its 50-day average), its surge and the point-in-time thresholds, over the last year; shaded bands are episodes."],
    figures: report.charts.map((data) => ({
      svg: titled(chartSvg(data, { namespace: false }), `${data.pair}: price ratio and ${data.window}-day surge to ${data.dates.at(-1)}`),
      caption: `${data.pair} to ${data.dates.at(-1)}`,
      file: `chart-${data.pair.replace(/[^A-Za-z0-9]+/g, "-")}.svg`,
    })),
  });
  if (report.rrg) {
    const rrg = report.rrg;
    sections.push({
      id: "rrg",
      title: "Relative Rotation Graph",
      paragraphs: [`Each fund against ${rrg.benchmark}, weekly, the last ${rrg.parameters.tail} weeks (tail codes: LE Leading, WE Weakening, LA Lagging, IM Improving).`],
      figures: [{ svg: titled(rrgSvg(rrg.benchmark, rrg.asOf, rrg.symbols, { namespace: false }), `Relative Rotation Graph against ${rrg.benchmark} as of ${rrg.asOf}`), caption: `RRG against ${rrg.benchmark} as of ${rrg.asOf}`, file: "rrg.svg" }],
      tables: [
        {
          caption: `Where each fund stands against ${rrg.benchmark}`,
          head: ["Symbol", "Date", "RS-Ratio", "RS-Momentum", "Quadrant", "Tail"],
          rows: rrg.symbols.map((s) => {
            const last = s.tail.at(-1);
            return [s.symbol, last?.date ?? NOT_AVAILABLE, formatNumber(last?.ratio), formatNumber(last?.momentum), last?.quadrant ?? NOT_AVAILABLE, s.tail.map((p) => QUADRANT_CODE[p.quadrant]).join(" ")];
          }),
        },
      ],
    });
  }
  const ep = report.episodes;
  sections.push({
    id: "episodes",
    title: "Episodes and what followed",
    paragraphs: [
      `Episodes that ended on or after ${ep.parameters.since}: days whose ${window}-day surge ranked at or beyond the threshold, at most ${parameters.gap} days apart. Forward returns run from the close of an episode's first flagged day, the first close at which a reader could act. Each figure of the summary is shown beside its base rate over the pair's other ranked days, with its 90% interval.`,
      ...summaryFootnotes(ep),
    ],
    tables: [
      {
        caption: "Recent and current episodes, newest first",
        head: ["Pair", "Direction", "Start", "Peak", "End", "Peak surge", "Fwd 5D", "Fwd 21D", "Fwd 63D", "Open"],
        rows: [...ep.episodes].sort((a, b) => (a.start < b.start ? 1 : -1)).map((x) => [x.pair, x.direction, x.start, x.peakDate, x.end, formatPercent(x.peakSurge), formatPercent(x.forward.d5), formatPercent(x.forward.d21), formatPercent(x.forward.d63), x.open ? "open" : ""]),
      },
      {
        caption: "What followed the signal, against the pair's other ranked days (the base rate)",
        head: SUMMARY_HEADERS,
        rows: ep.summary.flatMap(summaryRows),
      },
    ],
  });
  if (report.grid) {
    const grid = report.grid;
    const at = (size: string, style: string) => grid.cells.find((c) => c.size === size && c.style === style);
    sections.push({
      id: "grid",
      title: "Size × style",
      tables: (["d5", "d21", "d63", "ytd"] as const).map((key) => ({
        caption: `${key === "ytd" ? "Year-to-date" : `${key.slice(1)}-day`} returns, and relative to ${grid.benchmark}`,
        head: [key === "ytd" ? "YTD" : `${key.slice(1)}D`, ...STYLES],
        rows: SIZES.map((size) => [size, ...STYLES.map((style) => {
          const cell = at(size, style);
          if (!cell?.symbol || cell.date === null) return "—";
          return `${cell.symbol} ${formatPercent(cell.returns[key])}${cell.relative ? ` (${formatPercent(cell.relative[key])})` : ""}`;
        })]),
      })),
    });
  }
  const source = report.source;
  sections.push(driversSection(report));
  const provenance = [
    `Source: ${priceProvider(source.kind).provenance(source)}.`,
    `Last dates: ${check.tickers.map((t) => `${t.symbol} ${t.date}${t.provisional ? " (provisional: the session had not closed)" : ""}`).join(", ")}.`,
    `Parameters: ${window}-day surge, threshold ${parameters.threshold}, each day ranked against ${parameters.lookback === "all" ? "all earlier days" : `the last ${lookbackWords(parameters.lookback)}`}${rankedSpanNote(check.pairs.map((p) => p.surge))}, episode gap ${parameters.gap} days; every figure uses data up to ${report.asOf} only.`,
    `rotation ${VERSION}.`,
  ];
  sections.push({ id: "provenance", title: "Data and method", paragraphs: provenance, list: report.warnings.length > 0 ? report.warnings.map((w) => `Warning: ${w}`) : undefined });
  return sections;
}

/** Why is it rotating: the pairs against rates and credit, breadth and the calendar (from series at hand). */
function driversSection(report: Report): Section {
  const { context, contextHistory } = report;
  const line = contextLine(context, report.parameters.window);
  const signed = (v: number | null) => formatSigned(v);
  return {
    id: "drivers",
    title: "Drivers, breadth and calendar",
    paragraphs: [
      line ?? `Nothing at hand to say what drove it: ${context.notes.join("; ") || "no driver series"}.`,
      "Correlation and beta of each pair's daily relative return with the driver's daily return over 63 sessions (rotation drivers); breadth pairs are proxies (equal against cap weight, micro against small caps), not constituent breadth.",
    ],
    tables:
      context.drivers.length > 0
        ? [
            {
              caption: `Rolling 63-session figures to ${report.asOf}`,
              head: ["Pair", "Driver", "Correlation", "90% interval", "Percentile", "Beta", "Beta beside the benchmark"],
              rows: context.drivers.map((r) => [r.pair, r.driver, signed(r.correlation.value), r.correlation.interval ? `${signed(r.correlation.interval[0])} to ${signed(r.correlation.interval[1])}` : NOT_AVAILABLE, r.correlation.percentile === null ? NOT_AVAILABLE : r.correlation.percentile.toFixed(0), signed(r.beta.value), signed(r.betaWithBenchmark.value)]),
            },
          ]
        : undefined,
    list: [...context.drivers.map((r) => r.reading), ...context.notes.map((note) => `Left out: ${note}.`)],
    figures: contextHistory ? [{ svg: titled(correlationSvg(contextHistory, 63, { namespace: false }), `${contextHistory.pair}: correlation with ${contextHistory.driver}`), caption: `${contextHistory.pair}: 63-day correlation with ${contextHistory.driver}, ${contextHistory.dates[0] ?? ""} to ${contextHistory.dates.at(-1) ?? ""}`, file: "drivers-correlation.svg" }] : undefined,
  };
}

const STYLE = `
:root{color-scheme:light dark;--fg:#1b1b1b;--bg:#ffffff;--muted:#5b5b5b;--line:#d0d0d0;--head:#f2f2f2;--small:#e8f5e9;--large:#fdecea}
@media (prefers-color-scheme:dark){:root{--fg:#e8e8e8;--bg:#141414;--muted:#a8a8a8;--line:#3a3a3a;--head:#222;--small:#16301a;--large:#3a1a18}}
body{margin:0 auto;max-width:1200px;padding:24px;font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:1.6em;margin:0 0 .2em}h2{font-size:1.25em;border-bottom:1px solid var(--line);padding-bottom:.2em;margin-top:2em}
.sub{color:var(--muted);margin:0}
.scroll{overflow-x:auto}table{border-collapse:collapse;margin:1em 0;font-variant-numeric:tabular-nums}
caption{text-align:left;color:var(--muted);padding:.3em 0;caption-side:top}
th,td{border:1px solid var(--line);padding:.25em .5em;text-align:right;white-space:nowrap}thead th{white-space:normal;vertical-align:bottom}table{font-size:.94em}
th[scope=row],thead th:first-child{text-align:left}thead th{background:var(--head)}
tr.small-surge{background:var(--small)}tr.large-surge{background:var(--large)}
figure{margin:1em 0}figure svg{max-width:100%;height:auto;background:#fff;border:1px solid var(--line);border-radius:4px}
figcaption{color:var(--muted);font-size:.9em}
@media print{.scroll{overflow:visible}body{max-width:none;padding:0;font-size:11pt}section{break-before:page}section#headlines{break-before:auto}figure,table{break-inside:avoid}}
`;

function tableHtml(table: Table): string {
  const head = table.head.map((h) => `<th scope="col">${e(h)}</th>`).join("");
  const rows = table.rows
    .map((row, i) => {
      const cls = table.rowClass?.(i);
      const [first, ...rest] = row;
      return `<tr${cls ? ` class="${e(cls)}"` : ""}><th scope="row">${e(first ?? "")}</th>${rest.map((c) => `<td>${e(c)}</td>`).join("")}</tr>`;
    })
    .join("\n");
  return `<div class="scroll"><table><caption>${e(table.caption)}</caption><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table></div>`;
}

export function reportHtml(report: Report): string {
  const sample = report.source.kind === "sample" ? ` — bundled sample of daily closes to ${String(report.source.lastDate)}, not live data` : "";
  const body = reportSections(report)
    .map((s) => {
      const parts = [`<section id="${s.id}" aria-labelledby="${s.id}-title"><h2 id="${s.id}-title">${e(s.title)}</h2>`];
      for (const p of s.paragraphs ?? []) parts.push(`<p>${e(p)}</p>`);
      if (s.list) parts.push(`<ul>${s.list.map((item) => `<li>${e(item)}</li>`).join("")}</ul>`);
      for (const f of s.figures ?? []) parts.push(`<figure>${f.svg}<figcaption>${e(f.caption)}</figcaption></figure>`);
      for (const t of s.tables ?? []) parts.push(tableHtml(t));
      parts.push("</section>");
      return parts.join("\n");
    })
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`Size rotation as of ${report.asOf}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${e(`Size rotation as of ${report.asOf}`)}</h1><p class="sub">${e(`rotation ${VERSION}${sample}`)}</p></header>
<main>
${body}
</main>
</body>
</html>
`;
}

/** Markdown cells: pipes and line ends would break the table. */
/**
 * Text as Markdown text, never markup: the characters GitHub-flavoured Markdown (and the HTML
 * it lets through) would read as syntax inside a line are escaped, so a warning quoting a CSV
 * cell or a folder name cannot open a tag, a link, emphasis or a table cell (every line starts
 * with rotation's own text). Line breaks fold to spaces.
 */
function md(text: string): string {
  return text
    .replace(/[\r\n]+/g, " ")
    .replace(/[\\`*_[\]|~]/g, "\\$&")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/** A link target as Markdown needs it: in angle brackets, with spaces and brackets escaped. */
function mdTarget(target: string): string {
  return `<${encodeURI(target).replace(/[<>()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}>`;
}

/** The same sections as GitHub-flavoured Markdown; pictures are returned as files to write beside it. */
export function reportMarkdown(report: Report, imageFolder: string): { text: string; images: { file: string; svg: string }[] } {
  const images: { file: string; svg: string }[] = [];
  const lines = [`# Size rotation as of ${report.asOf}`, "", `rotation ${VERSION}${report.source.kind === "sample" ? ` — bundled sample of daily closes to ${String(report.source.lastDate)}, not live data` : ""}`, ""];
  for (const s of reportSections(report)) {
    lines.push(`## ${s.title}`, "");
    for (const p of s.paragraphs ?? []) lines.push(md(p), "");
    if (s.list) lines.push(...s.list.map((item) => `- ${md(item)}`), "");
    for (const f of s.figures ?? []) {
      images.push({ file: f.file, svg: f.svg.replace(/^<svg /, '<svg xmlns="http://www.w3.org/2000/svg" ') });
      lines.push(`![${md(f.caption)}](${mdTarget(`${imageFolder}/${f.file}`)})`, "");
    }
    for (const t of s.tables ?? []) {
      lines.push(`*${md(t.caption)}*`, "", `| ${t.head.map(md).join(" | ")} |`, `| ${t.head.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`);
      for (const row of t.rows) lines.push(`| ${row.map(md).join(" | ")} |`);
      lines.push("");
    }
  }
  return { text: `${lines.join("\n")}\n`, images };
}
