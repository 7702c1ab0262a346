import 'reflect-metadata';
import fs from 'node:fs';
import { printLineageSchema } from '../graphql/print-schema';
import { SCHEMA_FILE } from '../paths';

/** `npm run schema`: regenerates schema/schema.graphql from the code. */
async function main(): Promise<void> {
  const sdl = await printLineageSchema();
  fs.writeFileSync(SCHEMA_FILE, sdl);
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}

void main();
