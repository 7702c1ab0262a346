import 'reflect-metadata';
import { parse, type OperationDefinitionNode } from 'graphql';
import { AuditService } from '../src/audit/audit.service';
import { ApiKeyService } from '../src/auth/api-key.service';
import { Authenticator } from '../src/auth/authenticator';
import type { Database } from '../src/db/database';
import { checkOperationLimits } from '../src/graphql/operation-limits';
import { requiredAccess } from '../src/graphql/operation-access';
import { buildLineageSchema } from '../src/graphql/schema';
import { checkJson } from '../src/http/json-guard';
import { DEFAULT_LIMITS } from '../src/limits';

/**
 * `node dist/bench/guard-overhead.js`: what authentication and the limits add to one request, in process (no
 * network, no Neo4j): a cached API key check, the GraphQL role and limit checks (including the extra parse), and
 * the JSON body walk of a typical OpenLineage event. Each is timed over many iterations after a warm-up.
 */
async function main(): Promise<void> {
  // The key lookup answers from memory here; in the service it is one index seek per key per AUTH_KEY_CACHE_MS.
  const db = { read: async () => ({ name: 'bench', role: 'writer' }) } as unknown as Database;
  const authenticator = new Authenticator(
    { enabled: true, keyCacheMs: 30_000, jwt: undefined },
    new ApiKeyService(db, new AuditService(db, DEFAULT_LIMITS), 30_000),
    undefined,
  );
  const header = `Bearer lin_${'A'.repeat(43)}`;
  const schema = await buildLineageSchema();
  const query = `query Provenance($namespace: String!, $name: String!) {
    dataset(namespace: $namespace, name: $name) {
      latestVersion { version producedBy { runId state inputs { name version producedBy { runId inputs { name version producedBy { runId commit { sha } } } } } } }
    }
  }`;
  const event = {
    eventType: 'COMPLETE',
    eventTime: new Date().toISOString(),
    producer: 'https://example.com',
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json',
    run: { runId: '0191c0c0-0000-7000-8000-000000000001', facets: { parent: { run: { runId: 'x' }, job: { namespace: 'n', name: 'p' } } } },
    job: { namespace: 'n', name: 'j', facets: { sourceCodeLocation: { type: 'git', url: 'u', version: 'v' } } },
    inputs: Array.from({ length: 10 }, (_, i) => ({
      namespace: 'n',
      name: `in${i}`,
      facets: { schema: { fields: Array.from({ length: 20 }, (_, k) => ({ name: `c${k}`, type: 'string' })) } },
    })),
    outputs: [{ namespace: 'n', name: 'out' }],
  };

  const time = async (what: string, work: () => unknown | Promise<unknown>, iterations = 20_000) => {
    for (let i = 0; i < 2_000; i += 1) await work();
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i += 1) await work();
    const us = Number(process.hrtime.bigint() - started) / 1000 / iterations;
    process.stdout.write(`| ${what} | ${us.toFixed(1)} µs |\n`);
  };
  process.stdout.write('| check, per request | time |\n| --- | ---: |\n');
  await time('API key (cached): parse header, SHA-256, cache hit', () => authenticator.authenticate(header));
  await time('GraphQL guard: parse, depth/alias/cost, role', () => {
    const document = parse(query, { maxTokens: DEFAULT_LIMITS.graphql.maxTokens });
    const operation = document.definitions[0] as OperationDefinitionNode;
    checkOperationLimits(schema, document, operation, { namespace: 'n', name: 'x' }, DEFAULT_LIMITS);
    requiredAccess(schema, document, operation);
  });
  await time(`JSON body walk (OpenLineage event, ${JSON.stringify(event).length} bytes)`, () => checkJson(event, DEFAULT_LIMITS.http.jsonDepth));
}

void main();
