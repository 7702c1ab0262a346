import neo4j from 'neo4j-driver';

/**
 * The one place where Neo4j driver values become plain JavaScript: integers become numbers (or decimal strings
 * beyond 2^53, which no count or size here reaches), temporal values become `Date`s in UTC, nodes and
 * relationships become their property maps. Nothing shaped like `{low, high}` gets past this function.
 */
export function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  // Strings, numbers and booleans need nothing; most values are those, so they skip the driver type checks below.
  if (typeof value !== 'object' && typeof value !== 'bigint') return value;
  if (neo4j.isInt(value)) {
    return value.inSafeRange() ? value.toNumber() : value.toString();
  }
  if (typeof value === 'bigint') {
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  if (neo4j.isDateTime(value) || neo4j.isLocalDateTime(value) || neo4j.isDate(value)) {
    return value.toStandardDate();
  }
  if (neo4j.isDuration(value) || neo4j.isTime(value) || neo4j.isLocalTime(value) || neo4j.isPoint(value)) {
    return value.toString();
  }
  if (neo4j.isNode(value) || neo4j.isRelationship(value)) {
    return toPlain(value.properties);
  }
  if (Array.isArray(value)) {
    return value.map(toPlain);
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      out[key] = toPlain(inner);
    }
    return out;
  }
  return value;
}
