import path from 'node:path';
import type { Role } from './auth/principal';
import { DEFAULT_POOL_SIZE, DEFAULT_REQUEST_CONNECTIONS, DEFAULT_TRAVERSAL_CONCURRENCY } from './db/database';
import { DEFAULT_LIMITS as D, type Limits } from './limits';

/**
 * Settings come from the environment only (twelve-factor), are validated once at start, and every error names
 * the setting that was wrong, so a typo in a deployment manifest is found in the first log line.
 */

export interface Neo4jSettings {
  /** bolt://, bolt+s://, neo4j://, neo4j+s:// … ; undefined means "start the local embedded Neo4j". */
  uri: string | undefined;
  user: string;
  password: string;
  database: string;
  /** Server-side timeout for every transaction the service opens. */
  transactionTimeoutMs: number;
  /** How long start-up waits for Neo4j to answer before giving up. */
  connectTimeoutMs: number;
  /** Connections of the driver's pool. */
  poolSize: number;
  /** Connections one client request may hold at once: its fair share of the pool. */
  requestConnections: number;
  /** Traversals (the expensive questions) running at once; the others queue, round-robin by principal. */
  traversalConcurrency: number;
}

export interface LocalNeo4jSettings {
  /** Store and logs of the local Neo4j used by `npm start`; kept between restarts. */
  home: string;
  boltPort: number;
  heap: string;
  pageCache: string;
  startTimeoutMs: number;
  /** Wait before restarting a local Neo4j that died, doubled after each failed restart (at most 30 s). */
  restartBackoffMs: number;
  /** Failed restarts in a row after which liveness (/healthz) fails. */
  restartAttempts: number;
}

/** JWT verification: exactly one of `jwksUrl` (asymmetric keys of an identity provider) or `secret` (HMAC). */
export interface JwtSettings {
  jwksUrl: string | undefined;
  secret: string | undefined;
  issuer: string | undefined;
  audience: string | undefined;
  /** Claim holding the role: a string or an array of strings; the highest known role wins. */
  roleClaim: string;
  /** Role of a valid token without a known role in its claim; null refuses such tokens (FORBIDDEN). */
  defaultRole: Role | null;
  /** Whether a token must have an expiry (`exp`); a token without one would be valid for ever. */
  requireExpiry: boolean;
  /** Longest validity a token may claim (`exp` minus `iat`, or minus now without `iat`). */
  maxLifetimeMs: number;
}

export interface AuthSettings {
  /** Whether requests must authenticate; off only outside production (the local quick start). */
  enabled: boolean;
  /** How long a verified API key is trusted without looking it up again (while the revocation count cannot be read). */
  keyCacheMs: number;
  /** How often an instance checks whether a key was revoked elsewhere: the bound of a revocation on other instances. */
  revocationCheckMs: number;
  /** Undefined: API keys only. */
  jwt: JwtSettings | undefined;
}

/** Webhook delivery (src/webhooks/): the worker that sends the outbox's notices. */
export interface WebhookSettings {
  /** Whether this process sends notices (another instance may; notices wait in Neo4j either way). */
  delivery: boolean;
  /** How often the worker looks for notices due. */
  pollMs: number;
  /** How long one POST may take. */
  timeoutMs: number;
  /** Attempts before a notice is given up (FAILED; redeliverWebhookDelivery tries again). */
  maxAttempts: number;
  /** Wait before the second attempt; doubled after each failure, up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Accept http:// webhook URLs other than loopback ones (https:// otherwise). */
  allowHttp: boolean;
}

/** Anchors of the audit chain outside the store (see src/audit/audit-anchor.ts). */
export interface AuditSettings {
  hmacKey: string | null;
  anchorFile: string | null;
  anchorIntervalMs: number;
}

export interface Config {
  /** production refuses to run without authentication; development (the default outside NODE_ENV=production) may. */
  mode: 'production' | 'development';
  auth: AuthSettings;
  audit: AuditSettings;
  limits: Limits;
  /** How long a stopping service waits for requests in flight before it closes their connections. */
  shutdownGraceMs: number;
  host: string;
  port: number;
  logLevel: string;
  neo4j: Neo4jSettings;
  localNeo4j: LocalNeo4jSettings;
  /** Load the demo lineage into an empty graph at start: "on", "off", or "auto" (only with the local Neo4j). */
  demo: 'auto' | 'on' | 'off';
  webhooks: WebhookSettings;
}

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`Invalid setting ${setting}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const NEO4J_SCHEMES = ['bolt', 'bolt+s', 'bolt+ssc', 'neo4j', 'neo4j+s', 'neo4j+ssc'];
const SIZE_PATTERN = /^\d+[kmg]$/i;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const uri = optional(env, 'NEO4J_URI');
  if (uri !== undefined) {
    validateNeo4jUri(uri);
  }
  const mode = oneOf(env, 'LINEAGE_MODE', ['production', 'development'] as const, optional(env, 'NODE_ENV') === 'production' ? 'production' : 'development');
  return {
    mode,
    auth: authSettings(env, mode),
    audit: auditSettings(env, cwd),
    limits: limitSettings(env),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 25_000, 0, 600_000),
    host: optional(env, 'HOST') ?? '127.0.0.1',
    port: integer(env, 'PORT', 4000, 0, 65535),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    neo4j: {
      uri,
      user: optional(env, 'NEO4J_USER') ?? optional(env, 'NEO4J_USERNAME') ?? 'neo4j',
      password: optional(env, 'NEO4J_PASSWORD') ?? '',
      database: databaseName(env),
      transactionTimeoutMs: integer(env, 'NEO4J_TX_TIMEOUT_MS', 15_000, 100, 3_600_000),
      connectTimeoutMs: integer(env, 'NEO4J_CONNECT_TIMEOUT_MS', 60_000, 1_000, 3_600_000),
      ...poolSettings(env),
    },
    localNeo4j: {
      home: path.resolve(cwd, optional(env, 'NEO4J_LOCAL_HOME') ?? '.lineage/neo4j'),
      boltPort: integer(env, 'NEO4J_LOCAL_BOLT_PORT', 7687, 1, 65535),
      heap: size(env, 'NEO4J_LOCAL_HEAP', '512m'),
      pageCache: size(env, 'NEO4J_LOCAL_PAGECACHE', '128m'),
      startTimeoutMs: integer(env, 'NEO4J_LOCAL_START_TIMEOUT_MS', 120_000, 1_000, 3_600_000),
      restartBackoffMs: integer(env, 'NEO4J_LOCAL_RESTART_BACKOFF_MS', 1_000, 10, 600_000),
      restartAttempts: integer(env, 'NEO4J_LOCAL_RESTART_ATTEMPTS', 5, 1, 1_000),
    },
    demo: oneOf(env, 'LINEAGE_DEMO', ['auto', 'on', 'off'] as const, 'auto'),
    webhooks: webhookSettings(env),
  };
}

const ROLES: readonly Role[] = ['reader', 'writer', 'admin'];

function webhookSettings(env: Env): WebhookSettings {
  const retryBaseMs = integer(env, 'WEBHOOK_RETRY_BASE_MS', 2_000, 10, 3_600_000);
  const retryMaxMs = integer(env, 'WEBHOOK_RETRY_MAX_MS', 3_600_000, 10, 86_400_000);
  if (retryMaxMs < retryBaseMs) throw new ConfigError('WEBHOOK_RETRY_MAX_MS', `${retryMaxMs} is smaller than WEBHOOK_RETRY_BASE_MS (${retryBaseMs})`);
  return {
    delivery: oneOf(env, 'WEBHOOK_DELIVERY', ['on', 'off'] as const, 'on') === 'on',
    pollMs: integer(env, 'WEBHOOK_POLL_MS', 1_000, 10, 3_600_000),
    timeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 5_000, 100, 120_000),
    maxAttempts: integer(env, 'WEBHOOK_MAX_ATTEMPTS', 8, 1, 100),
    retryBaseMs,
    retryMaxMs,
    allowHttp: oneOf(env, 'WEBHOOK_ALLOW_HTTP', ['on', 'off'] as const, 'off') === 'on',
  };
}

function poolSettings(env: Env): Pick<Neo4jSettings, 'poolSize' | 'requestConnections' | 'traversalConcurrency'> {
  const poolSize = integer(env, 'NEO4J_POOL_SIZE', DEFAULT_POOL_SIZE, 2, 1_000);
  const requestConnections = integer(env, 'NEO4J_REQUEST_CONNECTIONS', Math.min(DEFAULT_REQUEST_CONNECTIONS, poolSize - 1), 1, 1_000);
  const traversalConcurrency = integer(env, 'NEO4J_TRAVERSAL_CONCURRENCY', Math.min(DEFAULT_TRAVERSAL_CONCURRENCY, poolSize - 1), 1, 1_000);
  // A share as large as the pool is no share: one request could again take every connection.
  if (requestConnections >= poolSize) {
    throw new ConfigError('NEO4J_REQUEST_CONNECTIONS', `${requestConnections} must be smaller than NEO4J_POOL_SIZE (${poolSize})`);
  }
  if (traversalConcurrency >= poolSize) {
    throw new ConfigError('NEO4J_TRAVERSAL_CONCURRENCY', `${traversalConcurrency} must be smaller than NEO4J_POOL_SIZE (${poolSize})`);
  }
  return { poolSize, requestConnections, traversalConcurrency };
}

function authSettings(env: Env, mode: Config['mode']): AuthSettings {
  const jwt = jwtSettings(env);
  // Configuring a JWT issuer means authentication is wanted, even outside production.
  const enabled = oneOf(env, 'LINEAGE_AUTH', ['on', 'off'] as const, mode === 'production' || jwt ? 'on' : 'off') === 'on';
  if (!enabled && mode === 'production') {
    throw new ConfigError(
      'LINEAGE_AUTH',
      'production mode (LINEAGE_MODE or NODE_ENV=production) refuses to run without authentication; remove LINEAGE_AUTH=off, or set LINEAGE_MODE=development for a local, open service',
    );
  }
  if (!enabled && jwt) {
    throw new ConfigError('LINEAGE_AUTH', 'is off, but JWT verification is configured (AUTH_JWKS_URL or AUTH_JWT_SECRET); remove one or the other');
  }
  return {
    enabled,
    keyCacheMs: integer(env, 'AUTH_KEY_CACHE_MS', 30_000, 0, 3_600_000),
    revocationCheckMs: integer(env, 'AUTH_REVOCATION_CHECK_MS', 1_000, 0, 60_000),
    jwt,
  };
}

function auditSettings(env: Env, cwd: string): AuditSettings {
  const hmacKey = optional(env, 'AUDIT_HMAC_KEY') ?? null;
  // A short key can be guessed from a signed head; as for AUTH_JWT_SECRET, at least the size of the digest.
  if (hmacKey !== null && Buffer.byteLength(hmacKey) < 32) {
    throw new ConfigError('AUDIT_HMAC_KEY', `must be at least 32 bytes long, got ${Buffer.byteLength(hmacKey)}`);
  }
  const anchorFile = optional(env, 'AUDIT_ANCHOR_FILE');
  return {
    hmacKey,
    anchorFile: anchorFile === undefined ? null : path.resolve(cwd, anchorFile),
    anchorIntervalMs: integer(env, 'AUDIT_ANCHOR_INTERVAL_MS', 60_000, 100, 86_400_000),
  };
}

function jwtSettings(env: Env): JwtSettings | undefined {
  const jwksUrl = optional(env, 'AUTH_JWKS_URL');
  const secret = optional(env, 'AUTH_JWT_SECRET');
  if (jwksUrl === undefined && secret === undefined) return undefined;
  if (jwksUrl !== undefined && secret !== undefined) {
    throw new ConfigError('AUTH_JWT_SECRET', 'set either AUTH_JWKS_URL (keys of an identity provider) or AUTH_JWT_SECRET (HMAC), not both');
  }
  if (jwksUrl !== undefined) validateJwksUrl(jwksUrl);
  // HS256 needs a key at least as long as its output; shorter secrets can be brute-forced.
  if (secret !== undefined && Buffer.byteLength(secret) < 32) {
    throw new ConfigError('AUTH_JWT_SECRET', `must be at least 32 bytes long, got ${Buffer.byteLength(secret)}`);
  }
  const defaultRole = oneOf(env, 'AUTH_JWT_DEFAULT_ROLE', [...ROLES, 'none'] as const, 'none');
  return {
    jwksUrl,
    secret,
    issuer: optional(env, 'AUTH_JWT_ISSUER'),
    audience: optional(env, 'AUTH_JWT_AUDIENCE'),
    roleClaim: optional(env, 'AUTH_JWT_ROLE_CLAIM') ?? 'role',
    defaultRole: defaultRole === 'none' ? null : defaultRole,
    requireExpiry: oneOf(env, 'AUTH_JWT_REQUIRE_EXP', ['on', 'off'] as const, 'on') === 'on',
    maxLifetimeMs: integer(env, 'AUTH_JWT_MAX_LIFETIME_MS', 24 * 3_600_000, 1_000, 366 * 24 * 3_600_000),
  };
}

function validateJwksUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('AUTH_JWKS_URL', `'${url}' is not a URL`);
  }
  // Keys fetched in clear text could be swapped by anyone on the path; plain http only to this machine.
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new ConfigError('AUTH_JWKS_URL', `must be an https:// URL (http:// only on localhost), got '${url}'`);
  }
}

function limitSettings(env: Env): Limits {
  const pageMax = integer(env, 'LIMIT_PAGE_SIZE', D.page.maxSize, 1, 10_000);
  const pageDefault = integer(env, 'LIMIT_PAGE_DEFAULT', Math.min(D.page.defaultSize, pageMax), 1, 10_000);
  if (pageDefault > pageMax) {
    throw new ConfigError('LIMIT_PAGE_DEFAULT', `${pageDefault} is larger than LIMIT_PAGE_SIZE (${pageMax})`);
  }
  return {
    http: {
      bodyBytes: integer(env, 'LIMIT_BODY_BYTES', D.http.bodyBytes, 1024, 1024 * 1024 * 1024),
      requestTimeoutMs: integer(env, 'LIMIT_REQUEST_TIMEOUT_MS', D.http.requestTimeoutMs, 1_000, 3_600_000),
      jsonDepth: integer(env, 'LIMIT_JSON_DEPTH', D.http.jsonDepth, 2, 10_000),
    },
    graphql: {
      maxDepth: integer(env, 'LIMIT_GRAPHQL_DEPTH', D.graphql.maxDepth, 2, 1_000),
      maxCost: integer(env, 'LIMIT_GRAPHQL_COST', D.graphql.maxCost, 1, 100_000_000),
      maxAliases: integer(env, 'LIMIT_GRAPHQL_ALIASES', D.graphql.maxAliases, 0, 100_000),
      maxTokens: integer(env, 'LIMIT_GRAPHQL_TOKENS', D.graphql.maxTokens, 100, 10_000_000),
    },
    page: { defaultSize: pageDefault, maxSize: pageMax, eventBytes: integer(env, 'LIMIT_EVENT_PAGE_BYTES', D.page.eventBytes, 1024, 1024 * 1024 * 1024) },
    traversal: {
      maxDepth: integer(env, 'LIMIT_TRAVERSAL_DEPTH', D.traversal.maxDepth, 1, 1_000),
      maxNodes: integer(env, 'LIMIT_TRAVERSAL_NODES', D.traversal.maxNodes, 1, 10_000_000),
    },
    ingestion: {
      maxBatchEvents: integer(env, 'LIMIT_BATCH_EVENTS', D.ingestion.maxBatchEvents, 1, 1_000_000),
      batchBodyBytes: integer(env, 'LIMIT_BATCH_BODY_BYTES', D.ingestion.batchBodyBytes, 1024, 1024 * 1024 * 1024),
      eventBytes: integer(env, 'LIMIT_EVENT_BYTES', D.ingestion.eventBytes, 1024, 1024 * 1024 * 1024),
      eventDatasets: integer(env, 'LIMIT_EVENT_DATASETS', D.ingestion.eventDatasets, 1, 1_000_000),
      eventTimeSkewMs: integer(env, 'LIMIT_EVENT_TIME_SKEW_MS', D.ingestion.eventTimeSkewMs, 0, 10 * 365 * 86_400_000),
    },
  };
}

function validateNeo4jUri(uri: string): void {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    throw new ConfigError('NEO4J_URI', `'${uri}' is not a URI; expected e.g. neo4j://localhost:7687 or neo4j+s://xxxx.databases.neo4j.io`);
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  if (!NEO4J_SCHEMES.includes(scheme)) {
    throw new ConfigError('NEO4J_URI', `scheme '${scheme}' is not supported; use one of ${NEO4J_SCHEMES.join(', ')}`);
  }
  if (!parsed.hostname) {
    throw new ConfigError('NEO4J_URI', `'${uri}' has no host`);
  }
}

function databaseName(env: Env): string {
  const name = optional(env, 'NEO4J_DATABASE') ?? 'neo4j';
  // Neo4j database names: ASCII letters, digits, dots and dashes, starting with a letter.
  if (!/^[A-Za-z][A-Za-z0-9.-]{0,62}$/.test(name)) {
    throw new ConfigError('NEO4J_DATABASE', `'${name}' is not a valid Neo4j database name`);
  }
  return name;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) {
    throw new ConfigError(name, `'${raw}' is not a whole number`);
  }
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `${value} is outside ${min}..${max}`);
  }
  return value;
}

function size(env: Env, name: string, fallback: string): string {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!SIZE_PATTERN.test(raw)) {
    throw new ConfigError(name, `'${raw}' is not a size such as 256m or 1g`);
  }
  return raw.toLowerCase();
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `'${raw}' must be one of ${allowed.join(', ')}`);
  }
  return raw as T;
}
