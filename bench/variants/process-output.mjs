// Variant for bench/pieces.mjs: standard output and error through Node's own streams, always
// (what src/boot/process-output.ts would be without its direct writes).
export function processOutput(fd, onError) {
  const stream = fd === 1 ? process.stdout : process.stderr;
  stream.on("error", onError);
  return {
    get isTTY() {
      return stream.isTTY === true;
    },
    get columns() {
      return stream.columns;
    },
    get rows() {
      return stream.rows;
    },
    write: (text) => stream.write(text),
    drain: () => new Promise((resolve) => stream.once("drain", () => resolve())),
    flushed: () => new Promise((resolve) => (stream.destroyed || stream.writableEnded ? resolve() : stream.write("", () => resolve()))),
  };
}
