import neo4j from 'neo4j-driver';

/**
 * The one place where Neo4j driver values become plain JavaScript: integers become numbers (or decimal strings
 * beyond 2^53, which no count or size here reaches), temporal values become `Date`s in UTC, nodes and
 * relationships become their property maps, byte arrays become Buffers. Nothing shaped like `{low, high}` gets
 * past this function.
 */
export function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  // Most values are strings, numbers and booleans: answer them before the driver's type checks.
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  // Then the lists and maps that hold them (the driver makes both plain): a lineage answer is thousands of these,
  // and each of the driver's type checks below costs more than the test of a prototype. They are converted in
  // place, not copied: the driver made them for this one read, and copying them all was garbage to collect.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = toPlain(value[i]);
    return value;
  }
  if (Object.getPrototypeOf(value) === Object.prototype) return plainMap(value as Record<string, unknown>);
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
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
  if (typeof value === 'object') return plainMap(value as Record<string, unknown>);
  return value;
}

function plainMap(value: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(value)) value[key] = toPlain(value[key]);
  return value;
}
