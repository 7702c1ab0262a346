import path from 'node:path';

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
}

export interface LocalNeo4jSettings {
  /** Store and logs of the local Neo4j used by `npm start`; kept between restarts. */
  home: string;
  boltPort: number;
  heap: string;
  pageCache: string;
  startTimeoutMs: number;
}

export interface OpenLineageSettings {
  /** Events one POST /api/v1/lineage/batch may hold. */
  maxBatchEvents: number;
  /** Largest body (after gzip decompression) the OpenLineage routes accept. */
  bodyLimitBytes: number;
}

export interface Config {
  host: string;
  port: number;
  logLevel: string;
  neo4j: Neo4jSettings;
  localNeo4j: LocalNeo4jSettings;
  /** Load the demo lineage into an empty graph at start: "on", "off", or "auto" (only with the local Neo4j). */
  demo: 'auto' | 'on' | 'off';
  openlineage: OpenLineageSettings;
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
  return {
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
    },
    localNeo4j: {
      home: path.resolve(cwd, optional(env, 'NEO4J_LOCAL_HOME') ?? '.lineage/neo4j'),
      boltPort: integer(env, 'NEO4J_LOCAL_BOLT_PORT', 7687, 1, 65535),
      heap: size(env, 'NEO4J_LOCAL_HEAP', '512m'),
      pageCache: size(env, 'NEO4J_LOCAL_PAGECACHE', '128m'),
      startTimeoutMs: integer(env, 'NEO4J_LOCAL_START_TIMEOUT_MS', 120_000, 1_000, 3_600_000),
    },
    demo: oneOf(env, 'LINEAGE_DEMO', ['auto', 'on', 'off'] as const, 'auto'),
    openlineage: {
      maxBatchEvents: integer(env, 'OPENLINEAGE_MAX_BATCH_EVENTS', 10_000, 1, 1_000_000),
      bodyLimitBytes: integer(env, 'OPENLINEAGE_BODY_LIMIT_BYTES', 64 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
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
