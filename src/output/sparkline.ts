const BARS = "▁▂▃▄▅▆▇█";

/** A one-line picture of a series: eight bar heights between its own min and max. */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return "";
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min;
  return values.map((v) => BARS[span > 0 ? Math.round(((v - min) / span) * (BARS.length - 1)) : 3]).join("");
}
