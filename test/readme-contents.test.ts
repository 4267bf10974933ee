import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "./helpers/paths.js";

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string) => heading.trim().toLowerCase().replace(/[^\w\- ]/g, "").replace(/ /g, "-");

describe("the README's table of contents", () => {
  it("lists every section after it, in order, each link an anchor that exists", () => {
    const text = readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
    const sections = [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]!);
    const contents = text.slice(text.indexOf("## Contents"), text.indexOf("\n## ", text.indexOf("## Contents") + 3));
    const links = [...contents.matchAll(/^- \[(.+)\]\(#(.+)\)$/gm)].map((m) => ({ title: m[1]!, anchor: m[2]! }));
    const after = sections.slice(sections.indexOf("Contents") + 1);
    expect(links.map((l) => l.title)).toEqual(after.map((h) => h.replaceAll("`", "")));
    expect(links.map((l) => l.anchor)).toEqual(after.map(anchorOf));
    expect(sections.slice(0, 2)).toEqual(["Getting started", "Contents"]);
  });

  it("has one section per command in the order Getting started meets them", () => {
    const text = readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
    const gettingStarted = text.slice(text.indexOf("## Getting started"), text.indexOf("## Contents"));
    const met: string[] = [];
    for (const m of gettingStarted.matchAll(/`rotation (check|episodes|drivers|valuation|rrg|grid|chart|report|log)\b/g)) if (!met.includes(m[1]!)) met.push(m[1]!);
    const sections = [...text.matchAll(/^## `rotation (\w+)`/gm)].map((m) => m[1]!);
    expect(sections).toEqual(met);
  });
});
