import type { Runtime } from "../runtime.js";
import { usableFolder } from "../settings/paths.js";
import type { SourceChoice } from "../settings/source.js";
import type { PriceSource } from "./source.js";

/** Only the chosen source's code is loaded: a CSV run never pays for the Yahoo client or cache. */
export async function openSource(choice: SourceChoice, runtime: Runtime): Promise<PriceSource> {
  if (choice.kind === "csv") {
    const { CsvFolderSource } = await import("./csv.js");
    // Snapshots only save time: an unusable cache folder means none, not a failed run.
    let snapshotDir = choice.snapshotDir;
    try {
      if (snapshotDir !== null) usableFolder(snapshotDir, "the cache folder");
    } catch {
      snapshotDir = null;
    }
    return new CsvFolderSource(choice.dir, { lenient: choice.lenient, snapshotDir });
  }
  if (choice.kind === "sample") {
    const { SampleSource } = await import("./sample.js");
    return new SampleSource("asked for with --sample");
  }
  const [{ YahooSource }, { PriceCache }] = await Promise.all([import("./yahoo.js"), import("./cache.js")]);
  return new YahooSource({
    cache: new PriceCache(usableFolder(choice.cacheDir, "the cache folder (ROTATION_CACHE_DIR)")),
    offline: choice.offline,
    refresh: choice.refresh,
    fetch: runtime.fetch,
    yahooUrl: choice.yahooUrl,
    retry: { timeoutMs: choice.timeoutMs, ...runtime.retry },
    now: runtime.now,
    concurrency: 4,
    fallback: choice.fallback,
    log: (line) => runtime.stderr.write(`${line}\n`),
  });
}
