import { originFromEnv } from "../../settings/urls.js";
import { defineDatasetProvider, type Env } from "../source.js";

/** FRED's keyless CSV download of one series (…?id=DGS10). */
export const FRED_GRAPH_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv";

/** ROTATION_FRED_URL (a mirror or a test server) standing for fredgraph.csv; FRED's own by default. */
export function fredBaseUrl(env: Env): string {
  return originFromEnv(env, "ROTATION_FRED_URL", "http://127.0.0.1:8767/graph/fredgraph.csv") ?? FRED_GRAPH_URL;
}

/** Daily Treasury yields (and any FRED daily series) as drivers: `--drivers fred:DGS10`. */
export const fredProvider = defineDatasetProvider({
  serves: "series",
  title: "FRED (Federal Reserve Bank of St. Louis)",
  summary: "daily series such as Treasury yields (drivers fred:DGS2, fred:DGS10), cached, downloaded again after 12 hours",
  urlVariable: "ROTATION_FRED_URL",
});
