import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadMigrationFiles, MigrationError, splitStatements } from '../../src/db/migrator';
import { MIGRATIONS_DIR } from '../../src/paths';

describe('migration files', () => {
  it('splits statements at semicolons that end a line and drops comment lines', () => {
    const statements = splitStatements(`// a comment; with a semicolon
CREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x);
MATCH (n:A)
WHERE n.x = 'a;b'
SET n.y = 1;

RETURN 1`);
    assert.deepEqual(statements, ['CREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x)', "MATCH (n:A)\nWHERE n.x = 'a;b'\nSET n.y = 1", 'RETURN 1']);
  });

  it('loads the project migrations in version order, without gaps', () => {
    const files = loadMigrationFiles(MIGRATIONS_DIR);
    assert.ok(files.length >= 2);
    files.forEach((file, index) => assert.equal(file.version, index + 1));
    for (const file of files) assert.match(file.checksum, /^[0-9a-f]{64}$/);
  });

  it('refuses badly named files and gaps in the numbering', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
    fs.writeFileSync(path.join(dir, '0001_first.cypher'), 'RETURN 1;');
    fs.writeFileSync(path.join(dir, '0003_third.cypher'), 'RETURN 1;');
    assert.throws(
      () => loadMigrationFiles(dir),
      (error: unknown) => error instanceof MigrationError && /0003_third.cypher is number 2/.test(error.message),
    );
    fs.writeFileSync(path.join(dir, '2_bad.cypher'), 'RETURN 1;');
    assert.throws(() => loadMigrationFiles(dir), /2_bad.cypher is not named NNNN_description.cypher/);
    fs.rmSync(dir, { recursive: true });
  });
});
