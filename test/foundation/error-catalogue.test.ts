import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { ERROR_CATALOGUE } from '../../src/errors';
import { PROJECT_ROOT } from '../../src/paths';
import { documentationFiles } from '../support/docs-examples';

it('every error code in the catalogue is documented in the error table with its HTTP status', () => {
  const row = (code: string, status: number) => new RegExp(`\\| \`${code}\` \\| ${status} \\|`);
  // The error table is wherever the documentation keeps it: the page that has a row for the first code.
  const [firstCode, first] = Object.entries(ERROR_CATALOGUE)[0]!;
  const pages = documentationFiles().filter((file) => row(firstCode, first.status).test(fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8')));
  assert.equal(pages.length, 1, `exactly one documentation page has the error table (found: ${pages.join(', ') || 'none'})`);
  const table = fs.readFileSync(path.join(PROJECT_ROOT, pages[0]!), 'utf8');
  for (const [code, { status }] of Object.entries(ERROR_CATALOGUE)) {
    assert.match(table, row(code, status), `the error table in ${pages[0]} lacks a row for ${code} (${status})`);
  }
});
