import assert from 'node:assert/strict';
import { it } from 'node:test';
import { canonicalJson, sameData } from '../../src/core/canonical-json';

it('writes JSON with sorted keys at every level, as JSON.stringify would otherwise', () => {
  const value = JSON.parse('{"b": [ {"y": 1, "x": null}, "s" ], "a": {"__proto__": {"z": true}, "c": 1.5}}') as unknown;
  assert.equal(canonicalJson(value), '{"a":{"__proto__":{"z":true},"c":1.5},"b":[{"x":null,"y":1},"s"]}');
  assert.equal(canonicalJson({ skipped: undefined, kept: [undefined] }), '{"kept":[null]}');
  assert.deepEqual(JSON.parse(canonicalJson(value)), value);
});

it('compares data whatever the order of keys, maps by entries', () => {
  assert.ok(sameData({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }));
  assert.ok(!sameData({ a: 1 }, { a: 1, b: 2 }));
  assert.ok(!sameData([1, 2], [2, 1]));
  assert.ok(sameData(new Map([['k', { x: 1 }]]), new Map([['k', { x: 1 }]])));
  assert.ok(!sameData(new Map([['k', 1]]), new Map([['j', 1]])));
  assert.ok(sameData({ a: undefined, b: 1 }, { b: 1 }));
});

it('gives the same text for input already sorted (fast path) and unsorted', () => {
  const sorted = JSON.parse('{"a":[{"b":1,"c":[true,null]}],"d":"x","e":{"f":1.5,"g":{}}}') as unknown;
  const unsorted = JSON.parse('{"e":{"g":{},"f":1.5},"d":"x","a":[{"c":[true,null],"b":1}]}') as unknown;
  assert.equal(canonicalJson(sorted), canonicalJson(unsorted));
  assert.equal(canonicalJson(sorted), JSON.stringify(sorted));
  assert.equal(canonicalJson({ a: 1, b: undefined }), '{"a":1}');
});
