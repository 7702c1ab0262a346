import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { HttpAnswer } from './http';

/**
 * Hostile input for the fuzz suites (GraphQL and OpenLineage): malformed JSON, values of the wrong type, deep
 * nesting, huge values, unicode and injection-looking names. Runs are reproducible: a failure prints the seed,
 * and FUZZ_SEED=<seed> replays it; FUZZ_RUNS sets how many cases each property tries.
 */
export const FUZZ_PARAMETERS: fc.Parameters<unknown> = {
  numRuns: Number(process.env.FUZZ_RUNS ?? 60),
  ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
  // Each case is an HTTP round trip against the real service; shrinking a failure a little is enough.
  endOnFailure: false,
};

/** Strings that look like attacks on Cypher, shells, templates, paths or logs, and awkward unicode. */
export const HOSTILE_STRINGS = [
  `"}) DETACH DELETE n //`,
  `') MATCH (n) DETACH DELETE n //`,
  '` MATCH (n) DETACH DELETE n',
  "' OR 1=1 --",
  '$where: function() { return true }',
  '{{7*7}}',
  '${jndi:ldap://127.0.0.1/a}',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  '\u202Egnp.exe',
  'zero\u200Bwidth',
  'line\nbreak',
  'nul\u0000byte',
  'tab\there',
  '\uD800',
  '🧬📦🚀',
  'Ünïcødé — 数据集 — مجموعة',
  ' ',
  '',
  'x'.repeat(5000),
  '__proto__',
  'constructor',
];

/** A name that may be fine, hostile, control-laden or enormous. */
export const hostileName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ minLength: 1, maxLength: 30 }),
);

/** Any JSON value, or something that is not one of the types a field expects. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, -1, 0, 1.5, 2 ** 53, -(2 ** 63), '', 'not-a-date', '2025-13-45T99:99:99Z', [], {}, [[[]]]),
  hostileName,
);

/** JSON text that does not parse: truncations, stray characters, single quotes, comments, NaN. */
export const malformedJson: fc.Arbitrary<string> = fc.oneof(
  fc
    .jsonValue()
    .map((value) => JSON.stringify(value))
    .filter((text) => text.length > 1)
    .map((text) => text.slice(0, Math.max(1, text.length - 1)) + (text.endsWith('}') ? '' : '{')),
  fc.constantFrom(
    '{',
    '}',
    '{"query": }',
    "{'query': '{ __typename }'}",
    '{"query": "{ __typename }" // c\n}',
    '{"a": NaN}',
    '[1,]',
    '{"query": "\\x"}',
    '\u0000',
    'null null',
  ),
  fc.string({ maxLength: 50 }).filter((text) => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  }),
);

/** `depth` levels of nested arrays or objects, as JSON text (built as text: JSON.stringify would recurse). */
export function deeplyNested(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** The answer is the client's fault or a success, never a server error, and errors say what was wrong. */
export function assertNoServerError(answer: HttpAnswer, what: string): void {
  assert.ok(answer.status < 500, `${what}: answered ${answer.status}: ${answer.text.slice(0, 500)}`);
  if (answer.status >= 400) {
    assert.ok(answer.body !== undefined, `${what}: a ${answer.status} without a JSON body: ${answer.text.slice(0, 200)}`);
    const error = answer.body.errors?.[0] ?? answer.body.error;
    assert.ok(error, `${what}: a ${answer.status} without an error: ${answer.text.slice(0, 200)}`);
    assert.equal(typeof error.message, 'string');
    assert.ok(error.message.length > 5, `${what}: an unclear message: ${answer.text.slice(0, 200)}`);
    assert.equal(typeof (error.extensions?.code ?? error.code), 'string', `${what}: no error code: ${answer.text.slice(0, 200)}`);
  }
}
