import { definePriceProvider } from "../source.js";

/** Real closes of the default funds to a fixed date, shipped with the package (--sample). */
export const sampleProvider = definePriceProvider<Record<never, never>>({
  serves: "prices",
  title: "the bundled sample",
  summary: "the bundled sample of real closes of the default funds (the same as --sample)",
  live: false,
  choose: () => ({}),
  async open() {
    const { SampleSource } = await import("./source.js");
    return new SampleSource("asked for with --sample");
  },
  describe: () => "the bundled sample (--sample)",
  provenance: (info) => `the bundled sample of daily closes to ${String(info.lastDate)} (not live data)`,
});
