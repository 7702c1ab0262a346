import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config';
import type { Database } from '../../src/db/database';
import { createLogger } from '../../src/logger';
import { startService, type RunningService, type StartOptions } from '../../src/server';
import type { Logger } from 'pino';

/** The Neo4j the test runner provides (a throwaway local one, or the user's NEO4J_URI). */
export function testNeo4jUri(): string {
  const uri = process.env.NEO4J_URI;
  if (!uri) {
    throw new Error('NEO4J_URI is not set: run integration tests through `npm test`, which starts a throwaway Neo4j');
  }
  return uri;
}

/**
 * A test service's transactions may run for two minutes (NEO4J_TX_TIMEOUT_MS), not 15 s: the suite runs on machines
 * shared with other suites, where planning a write statement alone has taken longer than 15 s. A test of the
 * timeout sets its own.
 */
const TEST_TX_TIMEOUT_MS = '120000';

export function testConfig(env: Record<string, string> = {}): Config {
  // Webhook delivery off unless a test asks for it: every test service shares the database, and a worker of
  // another test's service would send (and retry by its own settings) the notices a webhook test is watching.
  return loadConfig({
    NEO4J_TX_TIMEOUT_MS: TEST_TX_TIMEOUT_MS,
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LINEAGE_DEMO: 'off',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    WEBHOOK_DELIVERY: 'off',
    ...env,
  });
}

export interface TestService extends RunningService {
  /** POSTs a GraphQL operation; returns the parsed body (data and errors). */
  graphql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLBody<T>>;
}

export interface GraphQLBody<T> {
  data?: T;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
}

/**
 * Starts the real service (same composition root as `npm start`) on a free port against the test Neo4j; pass a
 * logger to read what it logs.
 */
export async function startTestService(
  env: Record<string, string> = {},
  uri = testNeo4jUri(),
  options: StartOptions & { logger?: Logger } = {},
): Promise<TestService> {
  const config = testConfig(env);
  const service = await startService(config, uri, options.logger ?? createLogger(config.logLevel), options);
  return {
    ...service,
    async graphql(query, variables, headers = {}) {
      const response = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLBody<any>;
    },
  };
}

/** A random namespace so that each test writes, reads and removes only its own data. */
export function uniqueNamespace(prefix = 'test'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/** Removes what a test wrote under its namespaces: datasets and jobs, their versions and runs, and their events. */
export async function removeNamespaces(db: Database, ...namespaces: string[]): Promise<void> {
  await db.write('cleanup', (tx) =>
    tx.rows(
      `MATCH (n) WHERE (n:Dataset OR n:Job) AND n.namespace IN $namespaces
       OPTIONAL MATCH (n)<-[:VERSION_OF|RUN_OF]-(m)
       OPTIONAL MATCH (e:LineageEvent)-[:ABOUT]->(x) WHERE x = n OR x = m
       DETACH DELETE e, n, m`,
      { namespaces },
    ),
  );
}
