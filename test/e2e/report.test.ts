import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCleanOutput, runCli } from "../helpers/cli.js";
import { launchChromium } from "../helpers/browser.js";
import { FIXTURE_PRICES, PROJECT_ROOT } from "../helpers/paths.js";

const work = mkdtempSync(path.join(tmpdir(), "rotation-report-"));
const html = path.join(work, "report.html");
let browser: Browser;
let page: Page;
const requests: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  const result = runCli(["report", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--html", html]);
  expectCleanOutput(result);
  expect(result.status).toBe(0);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("request", (request) => {
    if (!request.url().startsWith("file:")) requests.push(request.url());
  });
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  await page.goto(pathToFileURL(html).href);
}, 60_000);
afterAll(() => browser?.close());

describe("rotation report in a real browser (Debian chromium, headless)", () => {
  it("shows the IWM headline, as a reader sees it", async () => {
    expect(await (page.getByText("IWM rose 11.52% in the 5 trading days to 2024-07-16, its largest 5-day gain since 2020-04-29 (+13.67%).")).isVisible()).toBe(true);
    expect(await page.title()).toBe("Size rotation as of 2024-07-16");
  });

  it("fits a 1,280-pixel window: no table scrolls or is clipped (the pairs table hid its RRG column)", async () => {
    // Run in the page (a string: the tests are type-checked without the DOM's types).
    const overflow = (await page.evaluate(`[...document.querySelectorAll("table")].map((table) => ({ section: table.closest("section")?.id ?? "", scrolls: table.parentElement.scrollWidth > table.parentElement.clientWidth, right: table.getBoundingClientRect().right }))`)) as { section: string; scrolls: boolean; right: number }[];
    expect(overflow.length).toBeGreaterThan(5);
    for (const table of overflow) {
      expect(table.scrolls, table.section).toBe(false);
      expect(table.right, table.section).toBeLessThanOrEqual(1280);
    }
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(1280);
  });

  it("flags IWM:SPY in an accessible pairs table", async () => {
    const row = page.locator("section#pairs table").first().locator("tbody tr", { has: page.locator('th[scope="row"]', { hasText: "IWM:SPY" }) });
    expect(await (row).isVisible()).toBe(true);
    expect(await (row).textContent()).toContain("SMALL-SURGE");
    expect(await row.getAttribute("class")).toContain("small-surge");
    expect(await page.locator("section#pairs caption").first().textContent()).toMatch(/surge ranked point in time/);
    expect(await page.locator('thead th[scope="col"]').count()).toBeGreaterThan(10);
  });

  it("draws one SVG chart per pair, each with a visible July 2024 surge, and the RRG with four labelled quadrants", async () => {
    const charts = page.locator("section#charts figure svg");
    expect(await charts.count()).toBe(4);
    for (let i = 0; i < 4; i++) {
      const chart = charts.nth(i);
      expect(await (chart).isVisible()).toBe(true);
      expect(await chart.locator(":scope > title").textContent()).toMatch(/price ratio and 5-day surge to 2024-07-16/);
      const julySurge = chart.locator("rect.episode.small-surge title", { hasText: /2024-07-1\d/ });
      expect(await julySurge.count()).toBeGreaterThanOrEqual(1);
      const box = await chart.locator("rect.episode.small-surge", { has: page.locator("title", { hasText: /2024-07-1\d/ }) }).first().boundingBox();
      expect(box!.width).toBeGreaterThan(0);
    }
    const rrg = page.locator("section#rrg svg");
    expect(await (rrg).isVisible()).toBe(true);
    for (const quadrant of ["Leading", "Weakening", "Lagging", "Improving"]) expect(await (rrg.locator("text", { hasText: new RegExp(`^${quadrant}$`) })).isVisible()).toBe(true);
  });

  it("has the episodes with their base rates, the size x style grid and the provenance", async () => {
    const episodes = await (page.locator("section#episodes")).textContent();
    for (const column of ["Base median", "Base kept", "Edge [90%]", "Verdict"]) expect(episodes).toContain(column);
    expect(episodes).toMatch(/too few|unclear|continues|reverses/);
    expect(await (page.locator("section#episodes tbody").first()).textContent()).toContain("2024-07-12");
    expect(await (page.locator("section#grid table")).count()).toBe(4);
    expect(await (page.locator("section#provenance")).textContent()).toContain("every figure uses data up to 2024-07-16 only");
  });

  it("makes no request beyond the file itself, and logs no console error", () => {
    expect(requests).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(readFileSync(html, "utf8")).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it("reads in dark mode too, and prints to PDF with a page per section", async () => {
    await page.emulateMedia({ colorScheme: "dark" });
    // Runs in the page, where getComputedStyle and document exist (this file is not typed for the DOM).
    const background = await page.evaluate("getComputedStyle(document.body).backgroundColor");
    expect(background).not.toBe("rgb(255, 255, 255)");
    await page.emulateMedia({ colorScheme: "light" });
    const pdf = path.join(work, "report.pdf");
    await page.pdf({ path: pdf, format: "A4" });
    expect(statSync(pdf).size).toBeGreaterThan(10_000);
    const pages = (readFileSync(pdf, "latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(6);
    await page.screenshot({ path: path.join(work, "report.png"), fullPage: false });
    if (process.env.ROTATION_UPDATE_DOCS === "1") await page.screenshot({ path: path.join(PROJECT_ROOT, "docs", "report-2024-07-16.png") });
  });
});

describe("rotation report as Markdown and on stdout", () => {
  it("--markdown writes GitHub-flavoured Markdown with the charts beside it", () => {
    const file = path.join(work, "weekly.md");
    const result = runCli(["report", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--markdown", file]);
    expect(result.status).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text).toContain("IWM rose 11.52% in the 5 trading days to 2024-07-16");
    expect(text).toMatch(/^\| IWM:SPY \| 2024-07-16 \|/m);
    expect(text).toContain("![IWM:SPY to 2024-07-16](<weekly-files/chart-IWM-SPY.svg>)");
    expect(readdirSync(path.join(work, "weekly-files")).sort()).toEqual(["chart-IJH-SPY.svg", "chart-IJR-SPY.svg", "chart-IWM-QQQ.svg", "chart-IWM-SPY.svg", "rrg.svg"]);
    expect(readFileSync(path.join(work, "weekly-files", "rrg.svg"), "utf8")).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it("Markdown from data is text, never markup; image links survive spaces and brackets; the HTML forbids every request by its CSP", () => {
    // A folder name with markup, spaces and brackets: quoted in the warnings and the provenance.
    const dir = path.join(work, "<script src=x> [a] (b) </td>");
    mkdirSync(dir, { recursive: true });
    for (const file of readdirSync(FIXTURE_PRICES)) copyFileSync(path.join(FIXTURE_PRICES, file), path.join(dir, file));
    const file = path.join(work, "my report [1].md");
    const result = runCli(["report", "--data", dir, "--as-of", "2024-07-16", "--markdown", file]);
    expect(result.status).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("<script");
    expect(text).not.toContain("</td>");
    expect(text).toContain("&lt;script src=x&gt; \\[a\\] (b) &lt;/td&gt;");
    expect(text).toContain("](<my%20report%20%5B1%5D-files/chart-IWM-SPY.svg>)");
    const html = runCli(["report", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "-"]).stdout;
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">`);
  });

  it("- writes the HTML to stdout; no target is a usage error", () => {
    const result = runCli(["report", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "-"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^<!DOCTYPE html>/);
    expect(runCli(["report", "--data", FIXTURE_PRICES]).status).toBe(2);
  });
});
