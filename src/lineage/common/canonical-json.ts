/**
 * JSON with object keys sorted at every level, so that two values that mean the same thing have the same text:
 * the same OpenLineage event sent with its keys in another order gets the same id, and facets stored from
 * events that arrive in any order are stored byte for byte the same.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalValue(value));
}

/** The value with the keys of every object sorted (arrays keep their order, as their order means something). */
export function canonicalValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const inner = (value as Record<string, unknown>)[key];
      // JSON.stringify drops undefined members; dropping them here keeps the two views identical.
      if (inner !== undefined) Object.defineProperty(sorted, key, { value: canonicalValue(inner), enumerable: true, writable: true, configurable: true });
    }
    return sorted;
  }
  return value;
}
