/**
 * The first place in an increasing array whose value is not below `value`: where it goes, or
 * where it is (`sorted.length` when every value is below it). Numbers, or ISO dates as text.
 */
export function sortedPlace<T extends number | string>(sorted: readonly T[], value: T): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as T) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
