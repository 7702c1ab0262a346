import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config';
import { DEFAULT_LIMITS } from '../../src/limits';

const SECRET = 'a-shared-secret-of-at-least-32-bytes!!';

function refuses(env: Record<string, string>, setting: string, message: RegExp): void {
  assert.throws(
    () => loadConfig(env),
    (error: unknown) => error instanceof ConfigError && error.setting === setting && message.test(error.message),
    `expected ${setting} to be refused for ${JSON.stringify(env)}`,
  );
}

describe('authentication settings', () => {
  it('run open in development (the quick start) and closed in production', () => {
    assert.equal(loadConfig({}).mode, 'development');
    assert.equal(loadConfig({}).auth.enabled, false);
    assert.equal(loadConfig({ NODE_ENV: 'production' }).mode, 'production');
    assert.equal(loadConfig({ NODE_ENV: 'production' }).auth.enabled, true);
    assert.equal(loadConfig({ LINEAGE_MODE: 'production' }).auth.enabled, true);
    assert.equal(loadConfig({ LINEAGE_AUTH: 'on' }).auth.enabled, true);
  });

  it('production refuses to start without authentication', () => {
    refuses({ NODE_ENV: 'production', LINEAGE_AUTH: 'off' }, 'LINEAGE_AUTH', /production mode .* refuses to run without authentication/);
    refuses({ LINEAGE_MODE: 'production', LINEAGE_AUTH: 'off' }, 'LINEAGE_AUTH', /refuses/);
    // LINEAGE_MODE wins over NODE_ENV, so a developer can run a production build open on purpose.
    assert.equal(loadConfig({ NODE_ENV: 'production', LINEAGE_MODE: 'development', LINEAGE_AUTH: 'off' }).auth.enabled, false);
  });

  it('configuring a JWT issuer turns authentication on, and contradictions are refused', () => {
    const config = loadConfig({ AUTH_JWT_SECRET: SECRET });
    assert.equal(config.auth.enabled, true);
    assert.deepEqual(config.auth.jwt, {
      jwksUrl: undefined,
      secret: SECRET,
      issuer: undefined,
      audience: undefined,
      roleClaim: 'role',
      defaultRole: null,
      requireExpiry: true,
      maxLifetimeMs: 86_400_000,
    });
    refuses({ AUTH_JWT_SECRET: SECRET, LINEAGE_AUTH: 'off' }, 'LINEAGE_AUTH', /JWT verification is configured/);
    refuses({ AUTH_JWT_SECRET: SECRET, AUTH_JWKS_URL: 'https://idp.example.com/jwks' }, 'AUTH_JWT_SECRET', /not both/);
  });

  it('refuse weak secrets and key sets fetched in clear text', () => {
    refuses({ AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET', /at least 32 bytes/);
    refuses({ AUTH_JWKS_URL: 'http://idp.example.com/jwks' }, 'AUTH_JWKS_URL', /must be an https:\/\/ URL/);
    refuses({ AUTH_JWKS_URL: 'not a url' }, 'AUTH_JWKS_URL', /is not a URL/);
    assert.equal(loadConfig({ AUTH_JWKS_URL: 'http://127.0.0.1:8080/jwks' }).auth.jwt?.jwksUrl, 'http://127.0.0.1:8080/jwks');
    refuses({ AUTH_JWT_SECRET: SECRET, AUTH_JWT_DEFAULT_ROLE: 'root' }, 'AUTH_JWT_DEFAULT_ROLE', /must be one of reader, writer, admin, none/);
    assert.equal(loadConfig({ AUTH_JWT_SECRET: SECRET, AUTH_JWT_DEFAULT_ROLE: 'reader' }).auth.jwt?.defaultRole, 'reader');
  });
});

describe('limit settings', () => {
  it('default to DEFAULT_LIMITS', () => {
    assert.deepEqual(loadConfig({}).limits, DEFAULT_LIMITS);
  });

  it('are read from LIMIT_* variables', () => {
    const { limits } = loadConfig({
      LIMIT_BODY_BYTES: '2048',
      LIMIT_REQUEST_TIMEOUT_MS: '5000',
      LIMIT_JSON_DEPTH: '12',
      LIMIT_GRAPHQL_DEPTH: '6',
      LIMIT_GRAPHQL_COST: '500',
      LIMIT_GRAPHQL_ALIASES: '3',
      LIMIT_GRAPHQL_TOKENS: '400',
      LIMIT_PAGE_SIZE: '10',
      LIMIT_PAGE_DEFAULT: '5',
      LIMIT_TRAVERSAL_DEPTH: '4',
      LIMIT_TRAVERSAL_NODES: '50',
      LIMIT_BATCH_EVENTS: '7',
      LIMIT_BATCH_BODY_BYTES: '4096',
    });
    assert.deepEqual(limits, {
      http: { bodyBytes: 2048, requestTimeoutMs: 5000, jsonDepth: 12 },
      graphql: { maxDepth: 6, maxCost: 500, maxAliases: 3, maxTokens: 400 },
      page: { defaultSize: 5, maxSize: 10, eventBytes: DEFAULT_LIMITS.page.eventBytes },
      traversal: { maxDepth: 4, maxNodes: 50 },
      ingestion: {
        maxBatchEvents: 7,
        batchBodyBytes: 4096,
        eventBytes: DEFAULT_LIMITS.ingestion.eventBytes,
        eventDatasets: DEFAULT_LIMITS.ingestion.eventDatasets,
        eventTimeSkewMs: DEFAULT_LIMITS.ingestion.eventTimeSkewMs,
      },
    });
  });

  it('name the setting that is wrong', () => {
    refuses({ LIMIT_PAGE_SIZE: '0' }, 'LIMIT_PAGE_SIZE', /outside 1..10000/);
    refuses({ LIMIT_PAGE_SIZE: '10', LIMIT_PAGE_DEFAULT: '20' }, 'LIMIT_PAGE_DEFAULT', /larger than LIMIT_PAGE_SIZE/);
    refuses({ LIMIT_BODY_BYTES: '10' }, 'LIMIT_BODY_BYTES', /outside/);
    refuses({ LIMIT_GRAPHQL_COST: 'lots' }, 'LIMIT_GRAPHQL_COST', /not a whole number/);
    refuses({ SHUTDOWN_GRACE_MS: '-1' }, 'SHUTDOWN_GRACE_MS', /not a whole number/);
  });

  it('a small LIMIT_PAGE_SIZE lowers the default page size with it', () => {
    assert.deepEqual(loadConfig({ LIMIT_PAGE_SIZE: '8' }).limits.page, { defaultSize: 8, maxSize: 8, eventBytes: DEFAULT_LIMITS.page.eventBytes });
  });
});

describe('hardening settings', () => {
  it('give each request a share of the pool smaller than the pool, and traversals a lane', () => {
    const { neo4j } = loadConfig({});
    assert.deepEqual([neo4j.poolSize, neo4j.requestConnections, neo4j.traversalConcurrency], [50, 4, 2]);
    const small = loadConfig({ NEO4J_POOL_SIZE: '3' }).neo4j;
    assert.deepEqual([small.requestConnections, small.traversalConcurrency], [2, 2]);
    refuses({ NEO4J_POOL_SIZE: '10', NEO4J_REQUEST_CONNECTIONS: '10' }, 'NEO4J_REQUEST_CONNECTIONS', /must be smaller than NEO4J_POOL_SIZE \(10\)/);
    refuses({ NEO4J_POOL_SIZE: '10', NEO4J_TRAVERSAL_CONCURRENCY: '12' }, 'NEO4J_TRAVERSAL_CONCURRENCY', /must be smaller than NEO4J_POOL_SIZE/);
  });

  it('bound revocations, JWT lifetimes, event sizes and local Neo4j restarts', () => {
    const config = loadConfig({ AUTH_JWT_SECRET: SECRET, AUTH_REVOCATION_CHECK_MS: '250', AUTH_JWT_MAX_LIFETIME_MS: '3600000', LIMIT_EVENT_BYTES: '2048' });
    assert.equal(config.auth.revocationCheckMs, 250);
    assert.equal(config.auth.jwt?.maxLifetimeMs, 3_600_000);
    assert.equal(config.limits.ingestion.eventBytes, 2048);
    const wide = loadConfig({ LIMIT_EVENT_DATASETS: '50', LIMIT_EVENT_PAGE_BYTES: '4096' }).limits;
    assert.deepEqual([wide.ingestion.eventDatasets, wide.page.eventBytes], [50, 4096]);
    assert.deepEqual([DEFAULT_LIMITS.ingestion.eventDatasets, DEFAULT_LIMITS.page.eventBytes], [1_000, 16 * 1024 * 1024]);
    refuses({ LIMIT_EVENT_DATASETS: '0' }, 'LIMIT_EVENT_DATASETS', /outside/);
    assert.equal(loadConfig({ AUTH_JWT_SECRET: SECRET, AUTH_JWT_REQUIRE_EXP: 'off' }).auth.jwt?.requireExpiry, false);
    refuses({ AUTH_JWT_SECRET: SECRET, AUTH_JWT_REQUIRE_EXP: 'maybe' }, 'AUTH_JWT_REQUIRE_EXP', /must be one of on, off/);
    assert.deepEqual([loadConfig({}).localNeo4j.restartBackoffMs, loadConfig({}).localNeo4j.restartAttempts], [1_000, 5]);
  });
});
