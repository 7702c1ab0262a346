import { createHash, randomBytes } from 'node:crypto';
import type { AuditLog } from '../core/audit-log';
import type { Database } from '../db/database';
import { BadInputError, ConflictError, NotFoundError } from '../errors';
import type { WriteContext } from '../core/write-context';
import { ApiKeyRepository } from './api-key.repository';
import type { ApiKey, CreatedApiKey } from './api-key.type';
import type { Principal, Role } from './principal';
import { cutText } from '../core/text';

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

/** A looked-up key: its principal (null: unknown or revoked) and the revocation count read before it. */
interface CacheEntry {
  principal: Principal | null;
  revocations: number;
  expires: number;
}

export interface ApiKeyCacheSettings {
  /** AUTH_KEY_CACHE_MS: how long an answer is kept at most (0: every request looks its key up). */
  cacheMs: number;
  /** AUTH_REVOCATION_CHECK_MS: how often an instance asks whether any key was revoked, while it uses its cache. */
  revocationCheckMs: number;
}

/**
 * API keys: created with a role, shown once, stored only as a hash, revoked for ever.
 *
 * Authentication looks a key up by its hash and keeps the answer for AUTH_KEY_CACHE_MS, so a busy client costs one
 * lookup per interval. Revoked means refused: on the instance that revoked, from the moment `revokeKey` returns;
 * on every other instance within AUTH_REVOCATION_CHECK_MS. Each cached answer remembers how many keys were revoked
 * when it was read (read before the key itself), and is used only while that count is still the latest the
 * instance knows, which it reads again at most every AUTH_REVOCATION_CHECK_MS. A lookup that was in flight when a
 * key was revoked therefore caches an answer that the next check discards. While the count cannot be read
 * (Neo4j unreachable), answers are kept no longer than AUTH_KEY_CACHE_MS.
 */
export class ApiKeyService {
  private readonly cache = new Map<string, CacheEntry>();
  /** The latest revocation count read, and when the read that found it started. */
  private revocations = -1;
  private checkedAt = -Infinity;
  private checking: Promise<void> | null = null;
  /** Counts revocations made by this instance: a check that started before one must not vouch for the cache. */
  private localRevocations = 0;
  /** Local revocations when the latest successful check started. */
  private localRevocationsAtCheck = 0;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditLog,
    private readonly settings: ApiKeyCacheSettings,
    private readonly keys = new ApiKeyRepository(),
    private readonly clock: () => number = Date.now,
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
    // At once here: the key's answers go, and the next authentication checks the revocation count again, which
    // also discards an answer a lookup in flight caches after this.
    this.localRevocations += 1;
    this.checkedAt = -Infinity;
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
    const cached = this.cache.get(hash);
    if (cached && cached.expires > this.clock() && (await this.stillCurrent(cached))) return cached.principal;

    const now = this.clock();
    const found = await this.db.read('authenticateApiKey', async (tx) => {
      // The count first: if a revocation commits between the two reads, the count is the older one, and the
      // answer is discarded at the next check.
      const revocations = await this.keys.revocationCount(tx);
      return { revocations, key: await this.keys.findActiveByHash(tx, hash) };
    });
    const principal = found.key ? { name: keyPrincipalName(found.key.name), role: found.key.role } : null;
    if (this.settings.cacheMs > 0) {
      // Bounded: a flood of made-up keys cannot grow the cache without end.
      if (this.cache.size >= MAX_CACHED && !this.cache.has(hash)) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(hash, { principal, revocations: found.revocations, expires: now + this.settings.cacheMs });
      this.revocations = Math.max(this.revocations, found.revocations);
    }
    return principal;
  }

  /**
   * Whether a cached answer may still be used: no key was revoked since it was read, as far as a check at most
   * AUTH_REVOCATION_CHECK_MS old knows. Concurrent requests share one check. When the check fails, the answer is
   * used until it expires.
   */
  private async stillCurrent(entry: CacheEntry): Promise<boolean> {
    if (this.clock() - this.checkedAt >= this.settings.revocationCheckMs) {
      this.checking ??= this.checkRevocations().finally(() => (this.checking = null));
      try {
        await this.checking;
      } catch {
        return this.localRevocationsAtCheck === this.localRevocations;
      }
    }
    return entry.revocations >= this.revocations;
  }

  private async checkRevocations(): Promise<void> {
    const started = this.clock();
    const local = this.localRevocations;
    const count = await this.db.read('apiKeyRevocations', (tx) => this.keys.revocationCount(tx));
    this.revocations = Math.max(this.revocations, count);
    this.localRevocationsAtCheck = local;
    // A revocation here while the check ran: the count may predate it, so the next request checks again.
    if (local === this.localRevocations) this.checkedAt = started;
  }
}

function keyName(field: string, value: unknown): string {
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
    throw new BadInputError(
      field,
      `an API key name is 1 to 64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit; got ${JSON.stringify(cutText(String(value), 80))}`,
    );
  }
  return value;
}

function roleOf(field: string, value: unknown): Role {
  if (!ROLES.includes(value as Role)) throw new BadInputError(field, `must be one of ${ROLES.join(', ')}, got ${JSON.stringify(cutText(String(value), 40))}`);
  return value as Role;
}
