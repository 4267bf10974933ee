/**
 * Working arrays kept from one series to the next, by name, never handed to a caller as a
 * result: ranking a thousand series would otherwise leave a few hundred kilobytes of
 * short-lived typed arrays per series, outside V8's heap and freed only when the collector gets
 * to them, which is what a long run's memory peaks on. Each grows by doubling and holds whatever
 * its last user left in it: a user writes every element it reads. Names must not be shared by
 * two users at once (a module prefix each).
 */
const floats = new Map<string, Float64Array>();
const ints = new Map<string, Int32Array>();

/** The array called `name` in `arrays`, at least `length` long, made anew (twice as long) when shorter. */
function working<T extends Float64Array | Int32Array>(arrays: Map<string, T>, make: (length: number) => T, name: string, length: number): T {
  const known = arrays.get(name);
  if (known !== undefined && known.length >= length) return known;
  const grown = make(Math.max(length, 2 * (known?.length ?? 0)));
  arrays.set(name, grown);
  return grown;
}

/** The Float64Array called `name`, at least `length` long. */
export const workingFloats = (name: string, length: number): Float64Array => working(floats, (n) => new Float64Array(n), name, length);

/** The Int32Array called `name`, at least `length` long. */
export const workingInts = (name: string, length: number): Int32Array => working(ints, (n) => new Int32Array(n), name, length);
