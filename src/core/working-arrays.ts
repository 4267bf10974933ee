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

/** The Float64Array called `name`, at least `length` long. */
export function workingFloats(name: string, length: number): Float64Array {
  const known = floats.get(name);
  if (known !== undefined && known.length >= length) return known;
  const grown = new Float64Array(Math.max(length, 2 * (known?.length ?? 0)));
  floats.set(name, grown);
  return grown;
}

/** The Int32Array called `name`, at least `length` long. */
export function workingInts(name: string, length: number): Int32Array {
  const known = ints.get(name);
  if (known !== undefined && known.length >= length) return known;
  const grown = new Int32Array(Math.max(length, 2 * (known?.length ?? 0)));
  ints.set(name, grown);
  return grown;
}
