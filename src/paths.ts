import fs from 'node:fs';
import path from 'node:path';

/** The repository root, found from the compiled file's place (dist/src/paths.js). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'migrations');
export const SCHEMA_FILE = path.join(PROJECT_ROOT, 'schema', 'schema.graphql');
export const EXPLORER_BUILD_DIR = path.join(PROJECT_ROOT, 'dist', 'explorer');

export function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
