import 'reflect-metadata';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { it } from 'node:test';
import { printLineageSchema } from '../../src/graphql/print-schema';
import { SCHEMA_FILE } from '../../src/paths';

it('schema/schema.graphql is what the code generates (run `npm run schema` after changing the API)', async () => {
  const committed = fs.readFileSync(SCHEMA_FILE, 'utf8');
  const generated = await printLineageSchema();
  assert.equal(committed, generated);
});
