import path from "node:path";
import { UsageError } from "../../errors.js";
import { checkedPath, usableFolder } from "../../settings/paths.js";
import { definePriceProvider } from "../source.js";

export interface CsvChoice {
  dir: string;
  lenient: boolean;
  /** Where parsed files are kept (under the cache folder), or null: ROTATION_CSV_SNAPSHOTS=0. */
  snapshotDir: string | null;
}

/** A folder of TICKER.csv files (--data DIR or ROTATION_DATA): the user's own closes. */
export const csvProvider = definePriceProvider<CsvChoice>({
  serves: "prices",
  title: "CSV files",
  summary: "DIR/TICKER.csv files of your own (--data DIR, or ROTATION_DATA)",
  live: false,
  choose({ flags, env, cwd, cacheDir }) {
    const data = flags.data ?? (env.ROTATION_DATA === "" ? undefined : env.ROTATION_DATA);
    if (data === undefined) throw new UsageError("--source csv needs the folder of CSV files: --data DIR (or ROTATION_DATA)");
    return {
      dir: path.resolve(cwd, checkedPath(data, "--data")),
      lenient: flags.lenient ?? false,
      snapshotDir: env.ROTATION_CSV_SNAPSHOTS === "0" ? null : path.join(cacheDir(), "csv"),
    };
  },
  async open(choice, runtime) {
    const [{ CsvFolderSource }, { latestDateAnywhere }] = await Promise.all([import("./folder.js"), import("../../core/market.js")]);
    // Snapshots only save time: an unusable cache folder means none, not a failed run.
    let snapshotDir = choice.snapshotDir;
    try {
      if (snapshotDir !== null) usableFolder(snapshotDir, "the cache folder");
    } catch {
      snapshotDir = null;
    }
    return new CsvFolderSource(choice.dir, { lenient: choice.lenient, snapshotDir, latest: latestDateAnywhere(runtime.now()) });
  },
  describe: (choice) => `CSV files in ${choice.dir}`,
  settings: (choice) => ({ dir: choice.dir }),
  provenance: (info) => `CSV files in ${String(info.dir)}`,
});
