/**
 * Neo4j properties cannot hold maps, so JSON values (parameters, metrics, schema fields, facets) are stored as
 * JSON strings. These two functions are the only place that encodes and decodes them.
 */
export function toJsonProperty(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

export function fromJsonProperty<T>(value: unknown): T | null {
  return typeof value === 'string' ? (JSON.parse(value) as T) : null;
}
