import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { chartData } from "../../src/core/chart-data.js";
import { renderTerminalChart } from "../../src/output/chart-terminal.js";
import { sparkline } from "../../src/output/sparkline.js";
import { makeStyle } from "../../src/output/style.js";
import { chartSvg, escapeXml, htmlPage, rrgSvg } from "../../src/output/svg.js";
import { randomWalk, weekdays } from "../helpers/series.js";

// 300 days of a gentle random walk, then A jumps 2.5% a day for five days against a flat B.
const dates = weekdays("2023-01-02", 320);
const calm = randomWalk(9, 300, 100, 0.004);
const a = dates.map((_, i) => (i < 300 ? calm[i]! : calm[299]! * 1.025 ** Math.min(i - 299, 5)));
const b = dates.map(() => 50);
const pair = { dates, a, b };
const data = chartData("A<&>:B", pair, { window: 5, threshold: 99, gap: 5, since: dates[280] });

describe("chartData", () => {
  it("rebases the ratio to 100 on the first date shown", () => {
    expect(data.dates[0]).toBe(dates[280]);
    expect(data.ratio[0]).toBe(100);
    expect(data.ratio.at(-1)).toBeCloseTo((a[319]! / a[280]!) * 100, 9);
    expect(data.dates).toHaveLength(40);
  });
  it("averages the last 50 ratios", () => {
    const expected = (dates.slice(270, 320).reduce((s, _, k) => s + a[270 + k]! / 50, 0) / 50) * (100 / (a[280]! / 50));
    expect(data.movingAverage.at(-1)).toBeCloseTo(expected, 9);
  });
  it("takes each day's thresholds from earlier surges only", () => {
    // The threshold on day t is the 99th percentile of the surges before t, computed here naively.
    const surges = dates.map((_, i) => (i >= 5 ? a[i]! / a[i - 5]! - 1 : null));
    for (const t of [285, 300, 310]) {
      const earlier = surges.slice(5, t).map(Number).sort((x, y) => x - y);
      const position = 0.99 * (earlier.length - 1);
      const expected = earlier[Math.floor(position)]! + (earlier[Math.ceil(position)]! - earlier[Math.floor(position)]!) * (position - Math.floor(position));
      expect(data.upper[t - 280]).toBeCloseTo(expected, 12);
    }
    // The jump's own days raise the thresholds that follow it.
    expect(data.upper.at(-1)!).toBeGreaterThan(data.upper[300 - 280]!);
    expect(data.episodes.find((e) => e.start <= dates[302]! && e.end >= dates[302]!)).toMatchObject({ direction: "small-surge" });
  });
});

describe("terminal chart", () => {
  it("fits the width, labels dates and never prints NaN", () => {
    const text = renderTerminalChart(data, { width: 80, height: 16 }, makeStyle(false));
    for (const line of text.split("\n")) expect([...line].length).toBeLessThanOrEqual(80 + 45);
    const plotLines = text.split("\n").filter((l) => /[┼┤]/.test(l));
    for (const line of plotLines) expect([...line].length).toBeLessThanOrEqual(80);
    expect(text).toContain(dates[280]);
    expect(text).toContain(dates[319]);
    expect(text).toContain("▲");
    expect(text).not.toMatch(/NaN|undefined|\u001b\[/);
  });
  it("draws a long history in as many columns as it is given", () => {
    const long = weekdays("2000-01-03", 3000);
    const wide = chartData("X:Y", { dates: long, a: randomWalk(1, 3000), b: randomWalk(2, 3000) }, { window: 5, threshold: 99, gap: 5 });
    const text = renderTerminalChart(wide, { width: 60, height: 12 }, makeStyle(false));
    for (const line of text.split("\n").filter((l) => /[┼┤]/.test(l))) expect([...line].length).toBeLessThanOrEqual(60);
  });
  it("sparklines span eight levels", () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe("▁▂▃▄▅▆▇█");
    expect(sparkline([5, 5])).toBe("▄▄");
    expect(sparkline([])).toBe("");
  });
});

describe("SVG", () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" });
  const svg = chartSvg(data);

  it("is valid XML with the expected parts", () => {
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = parser.parse(svg).svg;
    expect(doc.width).toBe("1200");
    const paths = [doc.path].flat();
    const ratio = paths.find((p: { class: string }) => p.class.includes("ratio"));
    expect(ratio.d.match(/[ML]/g)).toHaveLength(40);
    const bands = [doc.rect].flat().filter((r: { class?: string }) => r.class?.startsWith("episode"));
    expect(bands).toHaveLength(data.episodes.length);
    expect(bands.map((r: { class: string }) => r.class)).toContain("episode small-surge");
    const texts = [doc.text].flat().map((t: { "#text"?: string } | string) => (typeof t === "string" ? t : String(t["#text"] ?? "")));
    expect(texts.some((t) => t.includes(dates[319]!))).toBe(true);
    expect(texts).toContain("50-day average");
  });

  it("escapes every label", () => {
    expect(svg).toContain("A&lt;&amp;&gt; / B");
    expect(svg).not.toContain("A<&>");
    expect(escapeXml(`<"it's">`)).toBe("&lt;&quot;it&apos;s&quot;&gt;");
  });

  it("is the same for the same input", () => {
    expect(chartSvg(chartData("A<&>:B", pair, { window: 5, threshold: 99, gap: 5, since: dates[280] }))).toBe(svg);
    expect(svg).toMatchSnapshot();
  });

  it("draws the RRG with four quadrants and a tail per fund", () => {
    const tail = [
      { date: "2024-07-05", ratio: 99, momentum: 101, quadrant: "Improving" as const },
      { date: "2024-07-12", ratio: 101, momentum: 102, quadrant: "Leading" as const },
    ];
    const rrg = rrgSvg("SPY", "2024-07-12", [{ symbol: "IWM", tail, travel: "Improving → Leading" }, { symbol: "Q<Q", tail: [], travel: null }]);
    expect(XMLValidator.validate(rrg)).toBe(true);
    const doc = parser.parse(rrg).svg;
    const labels = [doc.text].flat().filter((t: { class?: string }) => t.class === "quadrant-label").map((t: { "#text": string }) => t["#text"]);
    expect(labels.sort()).toEqual(["Improving", "Lagging", "Leading", "Weakening"]);
    expect([doc.circle].flat().filter((c: { class: string }) => c.class === "marker")).toHaveLength(1);
    expect(rrg).toContain("against SPY");
  });

  it("HTML embeds it with no external URL", () => {
    const html = htmlPage("t", chartSvg(data, { namespace: false }));
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|src=/);
    expect(html).toContain("<svg ");
  });
});
