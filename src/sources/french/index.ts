import { httpUrlFromEnv } from "../../settings/urls.js";
import { defineDatasetProvider, type Env } from "../source.js";

/** Kenneth French's Data Library, where `<NAME>_CSV.zip` files are served. */
export const FRENCH_LIBRARY_URL = "https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/ftp/";

/** ROTATION_FRENCH_URL (a mirror or a test server): a base URL with its trailing slash; the library's own by default. */
export function frenchBaseUrl(env: Env): string {
  const url = httpUrlFromEnv(env, "ROTATION_FRENCH_URL", "http://127.0.0.1:8766/ftp/");
  if (url === null) return FRENCH_LIBRARY_URL;
  return url.href.endsWith("/") ? url.href : `${url.href}/`;
}

/** The Fama/French size x book-to-market portfolios: the valuation history of `valuation --history french`. */
export const frenchProvider = defineDatasetProvider({
  serves: "valuation-history",
  title: "Kenneth French's Data Library",
  summary: "monthly book-to-market of size portfolios (valuation --history french), cached monthly",
  urlVariable: "ROTATION_FRENCH_URL",
});
