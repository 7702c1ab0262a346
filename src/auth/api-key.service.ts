import { createHash, randomBytes } from 'node:crypto';
import type { AuditLog } from '../core/audit-log';
import type { Database } from '../db/database';
import { BadInputError, ConflictError, NotFoundError } from '../errors';
import type { WriteContext } from '../core/write-context';
import { ApiKeyRepository } from './api-key.repository';
import type { ApiKey, CreatedApiKey } from './api-key.type';
import type { Principal, Role } from './principal';

/** Every secret starts with this, so a leaked key is recognisable (secret scanners) and told apart from a JWT. */
export const API_KEY_PREFIX = 'lin_';
// 32 random bytes: a fast hash is then enough (no one can try 2^256 secrets), so checking a key costs microseconds.
const SECRET_BYTES = 32;
const SECRET_PATTERN = /^lin_[A-Za-z0-9_-]{43}$/;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const ROLES: readonly Role[] = ['reader', 'writer', 'admin'];
const MAX_LISTED = 1_000;
const MAX_CACHED = 10_000;

/** The principal name of a key: what its writes record as their actor. */
export function keyPrincipalName(name: string): string {
  return `key:${name}`;
}

/** How the audit trail names a key (keys are not lineage nodes, so they have no global id). */
function auditIdOf(name: string): string {
  return `ApiKey:${name}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * API keys: created with a role, shown once, stored only as a hash, revoked for ever. Authentication looks a key
 * up by its hash and keeps the answer for `cacheMs`, so a busy client costs one lookup per interval, and a
 * revocation takes effect at once on this instance and within `cacheMs` on the others.
 */
export class ApiKeyService {
  private readonly cache = new Map<string, { principal: Principal | null; expires: number }>();

  constructor(
    private readonly db: Database,
    private readonly audit: AuditLog,
    private readonly cacheMs: number,
    private readonly keys = new ApiKeyRepository(),
  ) {}

  async createKey(context: WriteContext, input: { name: string; role: string }): Promise<CreatedApiKey> {
    const name = keyName('name', input.name);
    const role = roleOf('role', input.role);
    const secret = API_KEY_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
    const key = await this.db.write('createApiKey', async (tx) => {
      const existing = await this.keys.findByName(tx, name);
      if (existing) {
        const state = existing.revokedAt ? `revoked ${existing.revokedAt.toISOString()}` : 'active';
        throw new ConflictError(`an API key named ${name} already exists (${state}); key names are never reused, choose another`, { name });
      }
      const created = await this.keys.create(tx, {
        name,
        role,
        prefix: secret.slice(0, API_KEY_PREFIX.length + 6),
        hash: hashSecret(secret),
        createdAt: new Date().toISOString(),
        createdBy: context.actor,
      });
      // Never the secret or its hash: the trail says who may act, not how to act as them.
      await this.audit.append(tx, context, [{ operation: 'createApiKey', entityIds: [auditIdOf(name)], details: { name, role } }]);
      return created;
    });
    return { key, secret };
  }

  async revokeKey(context: WriteContext, name: string): Promise<ApiKey> {
    const validName = keyName('name', name);
    const key = await this.db.write('revokeApiKey', async (tx) => {
      const existing = await this.keys.findByName(tx, validName);
      if (!existing) throw new NotFoundError('API key', validName);
      // Revoked already: nothing changes, so nothing is recorded.
      if (existing.revokedAt) return existing;
      const revoked = (await this.keys.revoke(tx, validName, new Date().toISOString(), context.actor))!;
      await this.audit.append(tx, context, [{ operation: 'revokeApiKey', entityIds: [auditIdOf(validName)], details: { name: validName } }]);
      return revoked;
    });
    for (const [hash, entry] of this.cache) {
      if (entry.principal?.name === keyPrincipalName(validName)) this.cache.delete(hash);
    }
    return key;
  }

  listKeys(includeRevoked: boolean): Promise<ApiKey[]> {
    return this.db.read('listApiKeys', (tx) => this.keys.list(tx, includeRevoked, MAX_LISTED));
  }

  /** The principal of an active key, or null when the secret is malformed, unknown or revoked. */
  async authenticate(secret: string): Promise<Principal | null> {
    // Malformed secrets never reach the database.
    if (!SECRET_PATTERN.test(secret)) return null;
    const hash = hashSecret(secret);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.expires > now) return cached.principal;

    const found = await this.db.read('authenticateApiKey', (tx) => this.keys.findActiveByHash(tx, hash));
    const principal = found ? { name: keyPrincipalName(found.name), role: found.role } : null;
    if (this.cacheMs > 0) {
      // Bounded: a flood of made-up keys cannot grow the cache without end.
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(hash, { principal, expires: now + this.cacheMs });
    }
    return principal;
  }
}

function keyName(field: string, value: unknown): string {
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
    throw new BadInputError(
      field,
      `an API key name is 1 to 64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit; got ${JSON.stringify(String(value).slice(0, 80))}`,
    );
  }
  return value;
}

function roleOf(field: string, value: unknown): Role {
  if (!ROLES.includes(value as Role)) throw new BadInputError(field, `must be one of ${ROLES.join(', ')}, got ${JSON.stringify(String(value).slice(0, 40))}`);
  return value as Role;
}
