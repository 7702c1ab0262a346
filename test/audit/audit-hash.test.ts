import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { GENESIS_HASH, recordHash, sha256 } from '../../src/audit/audit-hash';
import { canonicalJson } from '../../src/core/canonical-json';

/**
 * The serialiser the audit trail was first hashed with (and OpenLineage event ids computed with), kept here as the
 * reference: the service's canonicalJson (core/canonical-json.ts, faster) must give exactly its text, or stored
 * trails stop verifying and stored events come in again as new.
 */
function referenceCanonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(referenceCanonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${referenceCanonicalJson(inner)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  return JSON.stringify(value);
}

describe('audit hash', () => {
  it('serialises canonically: key order never changes the text', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
    assert.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
    assert.equal(canonicalJson({ a: undefined, b: 'é' }), '{"b":"é"}');
  });

  it('serialises every JSON value exactly as the reference the trail was first hashed with', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    const withDates = fc.dictionary(fc.string(), fc.oneof(json, fc.date({ noInvalidDate: true }), fc.constant(undefined)));
    fc.assert(
      fc.property(fc.oneof(json, withDates), (value) => canonicalJson(value) === referenceCanonicalJson(value)),
      { numRuns: 2_000 },
    );
    const awkward = { b: [1.5, -0, 1e21, 5e-324, null, true], a: { é: 'ü', '\u0000': '\u2028', '': [] }, __proto__: null };
    assert.equal(canonicalJson(awkward), referenceCanonicalJson(awkward));
  });

  it('keeps the hash of a known record (a stored trail verifies after any change to the serialiser)', () => {
    const record = {
      seq: 17,
      at: '2025-03-10T09:00:00.000Z',
      actor: 'key:airflow',
      source: 'openlineage',
      requestId: 'req-1',
      operation: 'openlineage.RunEvent.COMPLETE',
      entityIds: ['Run:abc', 'DatasetVersion:def'],
      changes: [
        { entityId: 'Run:abc', field: 'parameters', before: null, after: { zeta: 1, alpha: [1.5, -0, 1e21, null, true], é: 'ü' } },
        { entityId: 'DatasetVersion:def', field: 'schema', before: null, after: [{ name: 'amount', type: 'decimal(10,2)', description: null }] },
      ],
      details: { runId: 'abc', eventId: '0'.repeat(64), created: ['DatasetVersion:def'] },
      prevHash: 'f'.repeat(64),
    };
    // Computed with the reference serialiser when the two were made one; it must never change.
    assert.equal(recordHash(record), '1ec374ac31f12cdd820646476fd0b9d0b924b644a138eabcd2cec8ac15c1bcd2');
  });

  it('hashes content and the previous hash, so any change anywhere changes it', () => {
    const content = {
      seq: 1,
      at: '2025-01-01T00:00:00.000Z',
      actor: 'ci',
      source: 'graphql',
      requestId: null,
      operation: 'deployModel',
      entityIds: ['Deployment:x'],
      changes: [],
      details: null,
      prevHash: GENESIS_HASH,
    };
    const hash = recordHash(content);
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.equal(recordHash({ ...content }), hash);
    assert.notEqual(recordHash({ ...content, actor: 'mallory' }), hash);
    assert.notEqual(recordHash({ ...content, prevHash: sha256('x') }), hash);
  });
});
