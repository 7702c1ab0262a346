import type { Tx } from '../db/database';
import type { ApiKey } from './api-key.type';
import type { Role } from './principal';

const KEY = (v: string) => `${v} { .name, .role, .prefix, .createdAt, .createdBy, .revokedAt, .revokedBy }`;

export interface ApiKeyWrite {
  name: string;
  role: Role;
  prefix: string;
  /** SHA-256 of the whole secret, hex; the secret itself is never stored. */
  hash: string;
  createdAt: string;
  createdBy: string;
}

export class ApiKeyRepository {
  async findByName(tx: Tx, name: string): Promise<ApiKey | null> {
    const [row] = await tx.rows<{ key: ApiKey }>(
      // The key with that name, revoked or not.
      `MATCH (k:ApiKey {name: $name}) RETURN ${KEY('k')} AS key`,
      { name },
    );
    return row?.key ?? null;
  }

  /**
   * How many keys were ever revoked: it only grows (keys are never deleted nor reinstated), so a change tells every
   * instance that answers it cached may be stale. A label scan of the keys, a few thousand at most.
   */
  async revocationCount(tx: Tx): Promise<number> {
    const [row] = await tx.rows<{ n: number }>(
      // Revoked keys, counted.
      `MATCH (k:ApiKey) WHERE k.revokedAt IS NOT NULL RETURN count(k) AS n`,
    );
    return row!.n;
  }

  /** The name and role of the active key with that hash, if any. */
  async findActiveByHash(tx: Tx, hash: string): Promise<{ name: string; role: Role } | null> {
    const [row] = await tx.rows<{ name: string; role: Role }>(
      // An unrevoked key by the hash of its secret (unique index seek).
      `MATCH (k:ApiKey {hash: $hash}) WHERE k.revokedAt IS NULL RETURN k.name AS name, k.role AS role`,
      { hash },
    );
    return row ?? null;
  }

  async create(tx: Tx, key: ApiKeyWrite): Promise<ApiKey> {
    const [row] = await tx.rows<{ key: ApiKey }>(
      // A new key; the unique constraints on name and hash refuse a second one.
      `CREATE (k:ApiKey {name: $key.name, role: $key.role, prefix: $key.prefix, hash: $key.hash,
                         createdAt: datetime($key.createdAt), createdBy: $key.createdBy})
       RETURN ${KEY('k')} AS key`,
      { key },
    );
    return row!.key;
  }

  /** Marks the key revoked unless it already is; returns it as recorded, or null when there is none. */
  async revoke(tx: Tx, name: string, at: string, by: string): Promise<ApiKey | null> {
    const [row] = await tx.rows<{ key: ApiKey }>(
      // Revoke once: a second revocation keeps the first instant and actor.
      `MATCH (k:ApiKey {name: $name})
       SET k.revokedBy = CASE WHEN k.revokedAt IS NULL THEN $by ELSE k.revokedBy END,
           k.revokedAt = coalesce(k.revokedAt, datetime($at))
       RETURN ${KEY('k')} AS key`,
      { name, at, by },
    );
    return row?.key ?? null;
  }

  async list(tx: Tx, includeRevoked: boolean, limit: number): Promise<ApiKey[]> {
    const rows = await tx.rows<{ key: ApiKey }>(
      // Keys by name, active ones only unless asked.
      `MATCH (k:ApiKey) WHERE $includeRevoked OR k.revokedAt IS NULL
       RETURN ${KEY('k')} AS key ORDER BY k.name LIMIT toInteger($limit)`,
      { includeRevoked, limit },
    );
    return rows.map((row) => row.key);
  }
}
