/** Inclusive integer intervals: sorting and merging overlapping or adjacent ones. */

export interface Interval {
  readonly from: bigint;
  readonly to: bigint;
}

/** Sorted, disjoint, non-adjacent intervals covering exactly the union of the input. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const merged: Interval[] = [];
  for (const next of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && next.from <= last.to + 1n) {
      merged[merged.length - 1] = { from: last.from, to: next.to > last.to ? next.to : last.to };
    } else {
      merged.push(next);
    }
  }
  return merged;
}
