/**
 * DataLoader's contract: a batch function returns one result per key, in key order. Repositories return maps;
 * this turns a map into that list, with null for keys that matched nothing.
 */
export function inKeyOrder<T>(keys: readonly string[], found: ReadonlyMap<string, T>): Array<T | null> {
  return keys.map((key) => found.get(key) ?? null);
}
