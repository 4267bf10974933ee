import type { IsoDate } from "../core/dates.js";
import { pairEpisodes, type EpisodeOptions } from "../core/episodes.js";
import type { Lookback } from "../core/lookback.js";
import { pointInTime, type PointInTime, type PriceSeries } from "../core/series.js";
import type { PairSpec } from "../core/universe.js";
import { pairEpisodesNdjson } from "../output/episodes.js";
import { episodeAnnotator } from "./drivers.js";

/**
 * One chunk of a streamed `episodes --format ndjson`, the same whether the main thread or a
 * worker (episode-worker.ts) computes it: each pair's episodes, annotated with the drivers at
 * hand, as NDJSON lines, pair by pair, each pair's newest first.
 */
export interface EpisodeChunkSettings extends EpisodeOptions {
  since: IsoDate | undefined;
  until: IsoDate | undefined;
  lookback: Lookback;
}

export function chunkEpisodeLines(known: PointInTime, pairs: readonly PairSpec[], settings: EpisodeChunkSettings, annotate: ReturnType<typeof episodeAnnotator> | undefined): string {
  let text = "";
  for (const spec of pairs) {
    const found = pairEpisodes(known, spec, { ...settings, pairs: [spec], ...(settings.since === undefined ? {} : { since: settings.since }), ...(settings.until === undefined ? {} : { until: settings.until }), ...(annotate ? { annotate } : {}) });
    if (found.length > 0) text += pairEpisodesNdjson(found);
  }
  return text;
}

/**
 * Series as they cross to a worker: each calendar (a dates array, shared by the funds of one
 * exchange) sent once and named by a number after that; the closes copied.
 */
export interface WireSeries {
  symbol: string;
  calendar: number;
  closes: Float64Array;
}

export interface WirePrices {
  calendars: [number, IsoDate[]][];
  series: WireSeries[];
}

/** The sending side: remembers which calendars the worker already has. */
export class CalendarSender {
  private readonly ids = new Map<readonly IsoDate[], number>();

  pack(series: readonly PriceSeries[]): WirePrices {
    const calendars: [number, IsoDate[]][] = [];
    const wire = series.map((one) => {
      let id = this.ids.get(one.dates);
      if (id === undefined) {
        id = this.ids.size;
        this.ids.set(one.dates, id);
        calendars.push([id, one.dates]);
      }
      return { symbol: one.symbol, calendar: id, closes: one.closes instanceof Float64Array ? one.closes : Float64Array.from(one.closes) };
    });
    return { calendars, series: wire };
  }
}

/** The receiving side: rebuilds the series (funds of one calendar again share one array) as prices known at `asOf`. */
export class CalendarReceiver {
  private readonly calendars = new Map<number, IsoDate[]>();

  unpack(prices: WirePrices, asOf: IsoDate | undefined): PointInTime {
    for (const [id, dates] of prices.calendars) this.calendars.set(id, dates);
    const series = new Map<string, PriceSeries>();
    for (const one of prices.series) series.set(one.symbol, { symbol: one.symbol, dates: this.calendars.get(one.calendar) as IsoDate[], closes: one.closes });
    return pointInTime(series, asOf);
  }
}
