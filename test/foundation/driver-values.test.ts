import assert from 'node:assert/strict';
import { it } from 'node:test';
import neo4j from 'neo4j-driver';
import { toPlain } from '../../src/db/values';

/** The driver's own value classes, nested the way a statement's records nest them. */
function driverRecord(): Record<string, unknown> {
  const createdAt = new neo4j.types.DateTime(2026, 3, 1, 12, 30, 0, 250_000_000, 0);
  const node = new neo4j.types.Node(neo4j.int(7), ['DatasetVersion'], { id: 'DatasetVersion:x', rowCount: neo4j.int(42), createdAt }, '4:abc:7');
  return {
    count: neo4j.int(3),
    huge: neo4j.int('9007199254740993'),
    node,
    nested: [[neo4j.int(1), 'UP', { at: createdAt, more: [neo4j.int(2), null] }], []],
    map: { date: new neo4j.types.Date(2026, 3, 1), duration: new neo4j.types.Duration(0, 1, 30, 0), flag: true },
    bytes: new Int8Array([1, 2, 3]),
    absent: null,
  };
}

it('turns driver values into plain JavaScript at every depth of lists and maps', () => {
  const plain = toPlain(driverRecord()) as Record<string, any>;
  assert.equal(plain.count, 3);
  assert.equal(plain.huge, '9007199254740993', 'integers beyond 2^53 become decimal strings, exactly');
  assert.deepEqual(plain.node, { id: 'DatasetVersion:x', rowCount: 42, createdAt: new Date('2026-03-01T12:30:00.250Z') });
  assert.deepEqual(plain.nested, [[1, 'UP', { at: new Date('2026-03-01T12:30:00.250Z'), more: [2, null] }], []]);
  assert.ok(plain.map.date instanceof Date);
  assert.equal(plain.map.date.toISOString(), '2026-03-01T00:00:00.000Z');
  assert.equal(plain.map.duration, 'P1DT30S');
  assert.equal(plain.map.flag, true);
  assert.ok(Buffer.isBuffer(plain.bytes));
  assert.deepEqual([...plain.bytes], [1, 2, 3]);
  assert.equal(plain.absent, null);
});

it('leaves nothing shaped like the driver behind, and answers plain values as they are', () => {
  const plain = toPlain(driverRecord());
  const leftovers: string[] = [];
  const visit = (value: unknown, where: string) => {
    if (neo4j.isInt(value) || neo4j.isDateTime(value) || neo4j.isDate(value) || neo4j.isNode(value)) leftovers.push(where);
    else if (Array.isArray(value)) value.forEach((inner, index) => visit(inner, `${where}[${index}]`));
    else if (value && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
      for (const [key, inner] of Object.entries(value)) visit(inner, `${where}.${key}`);
    }
  };
  visit(plain, 'record');
  assert.deepEqual(leftovers, []);
  assert.equal(toPlain('text'), 'text');
  assert.equal(toPlain(1.5), 1.5);
  assert.equal(toPlain(undefined), null);
  assert.deepEqual(toPlain({ a: [1, { b: 'c' }] }), { a: [1, { b: 'c' }] });
});
