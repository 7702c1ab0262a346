import assert from 'node:assert/strict';
import type { GraphQLBody } from './service';

/** The data of a response that must have succeeded; fails the test with the errors otherwise. */
export function dataOf<T>(body: GraphQLBody<T>): T {
  assert.equal(body.errors, undefined, `unexpected errors: ${JSON.stringify(body.errors, null, 2)}`);
  assert.ok(body.data, 'response has no data');
  return body.data;
}

/** The single error of a response that must have failed with `code`; returns it for further checks. */
export function errorOf(body: GraphQLBody<unknown>, code: string): { message: string; extensions?: Record<string, any> } {
  assert.ok(body.errors && body.errors.length > 0, `expected a ${code} error, got data ${JSON.stringify(body.data)}`);
  const [error] = body.errors;
  assert.equal(error!.extensions?.code, code, `expected ${code}, got ${JSON.stringify(error)}`);
  return error!;
}
