import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, GENESIS_HASH, recordHash, sha256 } from '../../src/audit/audit-hash';

describe('audit hash', () => {
  it('serialises canonically: key order never changes the text', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
    assert.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
    assert.equal(canonicalJson({ a: undefined, b: 'é' }), '{"b":"é"}');
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
