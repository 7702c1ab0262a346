import { quote, typeName } from './openlineage.checks';
import { isUri } from './openlineage.formats';
import type { EventKind } from './openlineage.types';

/**
 * What an event's `producer`, `schemaURL` and job namespace are read as when a producer leaves them out or
 * sends something unusable. Both are required by the spec, yet they carry no lineage: real producers and Marquez's own example
 * streams omit them, and a producer cannot resend an event differently, so refusing it would lose its lineage
 * for good. The event is stored as sent; the service records these values and answers with a warning.
 */

/** The spec version this service implements; the JSON Schema every event is read against. */
export const SPEC_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json';

/** The namespace of a job whose event names none: what the OpenLineage clients use when none is configured. */
export const DEFAULT_NAMESPACE = 'default';

/** Ours, in the `urn:lineage:` namespace our facets use: says the event did not name its producer. */
export const UNKNOWN_PRODUCER = 'urn:lineage:producer:unknown';

const DEFINITION_OF: Record<EventKind, string> = { run: 'RunEvent', job: 'JobEvent', dataset: 'DatasetEvent' };

/** The schemaURL the spec gives an event of this kind: its definition in the spec we implement. */
export function defaultSchemaUrl(kind: EventKind): string {
  return `${SPEC_URL}#/$defs/${DEFINITION_OF[kind]}`;
}

/** The producer as recorded: the one sent when it is a non-empty string, else UNKNOWN_PRODUCER. */
export function producerOf(event: { producer?: unknown }): string {
  return usable(event.producer) ? event.producer : UNKNOWN_PRODUCER;
}

/** The schemaURL as recorded: the one sent when it is a non-empty string, else the spec's for the kind. */
export function schemaUrlOf(event: { schemaURL?: unknown }, kind: EventKind): string {
  return usable(event.schemaURL) ? event.schemaURL : defaultSchemaUrl(kind);
}

/** The job's namespace as recorded: the one sent when it is a non-empty string, else DEFAULT_NAMESPACE. */
export function jobNamespaceOf(job: { namespace?: unknown }): string {
  return typeof job.namespace === 'string' && job.namespace.length > 0 ? job.namespace : DEFAULT_NAMESPACE;
}

/** Longer than any URI we store (INPUT_LIMITS.uri is 4,096 characters); the raw event keeps it anyway. */
const MAX_LENGTH = 4_096;

function usable(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_LENGTH;
}

/**
 * The warning for a producer or schemaURL that is missing, unusable, or not a URI; null when it is fine.
 * `recorded` is what the service records instead (see producerOf, schemaUrlOf).
 */
export function identityWarning(value: unknown, field: 'producer' | 'schemaURL', recorded: string): string | null {
  if (value === undefined || value === null) return `${field} is missing (the spec requires it); recorded as '${recorded}'`;
  if (typeof value !== 'string') return `${field} must be a string, got ${typeName(value)}; recorded as '${recorded}'`;
  if (value.length === 0) return `${field} is empty; recorded as '${recorded}'`;
  if (value.length > MAX_LENGTH) return `${field} is ${value.length} characters long, more than ${MAX_LENGTH}; recorded as '${recorded}'`;
  if (!isUri(value)) return `${field} ${quote(value)} is not a URI; kept as sent`;
  return null;
}
