// The floor `check` is compared with (issue 32): a plain JavaScript program that does the least
// the job needs. It reads TICKER.csv (Date,Close) for the default funds from a folder, and for
// each default pair prints the five-day relative return as of DATE and its percentile among the
// earlier days, on the pair's common dates. No checks, no caches, no output formatting.
// Committed before any tuning against it, and left alone since.
// Usage: node bench/floor.mjs DIR DATE
import { readFileSync } from "node:fs";

const [dir, asOf] = process.argv.slice(2);
const closes = new Map();
function read(symbol) {
  if (!closes.has(symbol)) {
    const series = new Map();
    const lines = readFileSync(`${dir}/${symbol}.csv`, "utf8").split("\n");
    for (let i = 1; i < lines.length; i++) {
      const comma = lines[i].indexOf(",");
      if (comma < 0) continue;
      const date = lines[i].slice(0, comma);
      if (date <= asOf) series.set(date, Number(lines[i].slice(comma + 1)));
    }
    closes.set(symbol, series);
  }
  return closes.get(symbol);
}
for (const [a, b] of [["IWM", "SPY"], ["IJR", "SPY"], ["IJH", "SPY"], ["IWM", "QQQ"]]) {
  const x = read(a);
  const y = read(b);
  const dates = [...x.keys()].filter((d) => y.has(d));
  const surge = [];
  for (let i = 5; i < dates.length; i++) surge.push(x.get(dates[i]) / x.get(dates[i - 5]) - y.get(dates[i]) / y.get(dates[i - 5]));
  const last = surge[surge.length - 1];
  let below = 0;
  for (let i = 0; i < surge.length - 1; i++) if (surge[i] < last) below++;
  console.log(`${a}:${b} ${dates[dates.length - 1]} ${last.toFixed(6)} ${((below / (surge.length - 1)) * 100).toFixed(2)}`);
}
