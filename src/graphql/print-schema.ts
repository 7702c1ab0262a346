import { printSchema } from 'graphql';
import { buildLineageSchema } from './schema';

/** The SDL committed as schema/schema.graphql: what clients code against, reviewed in every diff. */
export async function printLineageSchema(): Promise<string> {
  const header = '# Generated from the type-graphql classes by `npm run schema`; do not edit by hand.\n\n';
  return header + printSchema(await buildLineageSchema()) + '\n';
}
