/**
 * JSON with object keys sorted at every level, so that two values that mean the same thing have the same text:
 * the same OpenLineage event sent with its keys in another order gets the same id, and facets stored from
 * events that arrive in any order are stored byte for byte the same. Written out directly (no sorted copy of
 * the value is built): it runs on every event received.
 *
 * Frozen: the text is hashed into ids that are stored (an OpenLineage event's id, every audit record's hash in
 * the chain), so it must stay byte for byte the same for every JSON value, or stored events would be received
 * again as new and a stored audit trail would no longer verify. test/audit/audit-hash.test.ts checks it against
 * the reference serialiser the trail was first hashed with, on generated values and on known hashes.
 */
export function canonicalJson(value: unknown): string {
  // Many producers (the openlineage-python client among them) already send keys sorted: then the native writer
  // gives the same text, several times faster.
  return sortedThroughout(value) ? JSON.stringify(value) : (write(value) ?? 'null');
}

/** Whether every object in the value has its keys in sorted order (and nothing JSON would drop). */
function sortedThroughout(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return value !== undefined && typeof value !== 'function';
  if (value instanceof Date) return false;
  if (Array.isArray(value)) return value.every(sortedThroughout);
  let previous: string | null = null;
  for (const key in value) {
    if (previous !== null && key < previous) return false;
    previous = key;
    if (!sortedThroughout((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

function write(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || value instanceof Date) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => write(item) ?? 'null').join(',')}]`;
  const members: string[] = [];
  for (const key of Object.keys(value).sort()) {
    // Like JSON.stringify, members whose value has no JSON form (undefined, functions) are left out.
    const member = write((value as Record<string, unknown>)[key]);
    if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
  }
  return `{${members.join(',')}}`;
}

/**
 * Whether two plain values are equal as JSON data, whatever the order of their keys; Maps compare by entries.
 * Cheaper than comparing canonical texts: nothing is built, and it stops at the first difference.
 */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false;
    for (const [key, value] of a) if (!b.has(key) || !sameData(value, b.get(key))) return false;
    return true;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!(Array.isArray(a) && Array.isArray(b)) || a.length !== b.length) return false;
    return a.every((item, index) => sameData(item, b[index]));
  }
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  const keysA = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const keysB = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) => Object.hasOwn(b, key) && sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
