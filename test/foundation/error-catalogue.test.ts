import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { ERROR_CATALOGUE } from '../../src/errors';
import { PROJECT_ROOT } from '../../src/paths';

it('every error code in the catalogue is documented in the README with its HTTP status', () => {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  for (const [code, { status }] of Object.entries(ERROR_CATALOGUE)) {
    assert.match(readme, new RegExp(`\\| \`${code}\` \\| ${status} \\|`), `README's error table lacks a row for ${code} (${status})`);
  }
});
