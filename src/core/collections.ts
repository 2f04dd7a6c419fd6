/** Copy-on-write helpers for the read-only maps and sets in the state. */

export function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> {
  const copy = new Map(map);
  copy.set(key, value);
  return copy;
}

export function withoutEntry<K, V>(map: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> {
  if (!map.has(key)) return map;
  const copy = new Map(map);
  copy.delete(key);
  return copy;
}

export function withMember<T>(set: ReadonlySet<T>, value: T): ReadonlySet<T> {
  if (set.has(value)) return set;
  return new Set(set).add(value);
}

export function withoutMember<T>(set: ReadonlySet<T>, value: T): ReadonlySet<T> {
  if (!set.has(value)) return set;
  const copy = new Set(set);
  copy.delete(value);
  return copy;
}

/** The earliest of the times `dueOf` gives for `items` (undefined for none). */
export function earliest<T>(
  items: Iterable<T>,
  dueOf: (item: T) => number | undefined,
): number | undefined {
  let due: number | undefined;
  for (const item of items) {
    const at = dueOf(item);
    if (at !== undefined && (due === undefined || at < due)) due = at;
  }
  return due;
}
