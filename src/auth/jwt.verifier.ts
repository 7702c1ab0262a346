import { createHash } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Logger } from 'pino';
import type { JwtSettings } from '../config';
import { ForbiddenError, ServiceUnavailableError, UnauthenticatedError } from '../errors';
import { hasControlCharacters, isWellFormed } from '../core/text';
import type { Principal, Role } from './principal';

const RANKED_ROLES: readonly Role[] = ['admin', 'writer', 'reader'];
// Asymmetric algorithms for keys of an identity provider; HMAC only with a configured secret. Never `none`.
const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const SECRET_ALGORITHMS = ['HS256', 'HS384', 'HS512'];
/** Clocks of the identity provider and of this service may differ by this much. */
const CLOCK_TOLERANCE_S = 30;

/**
 * Verifies JWTs from the company's identity provider (keys from AUTH_JWKS_URL, fetched and cached by `jose`) or
 * signed with a shared secret (AUTH_JWT_SECRET). The principal is `jwt:<sub>` with the role named in the role
 * claim (a string or a list; the highest of reader/writer/admin wins).
 */
export class JwtVerifier {
  private readonly key: JWTVerifyGetKey | Uint8Array;
  private readonly algorithms: string[];

  constructor(
    private readonly settings: JwtSettings,
    private readonly logger: Logger,
  ) {
    if (settings.jwksUrl) {
      this.key = createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 3_000, cooldownDuration: 30_000 });
      this.algorithms = JWKS_ALGORITHMS;
    } else {
      this.key = new TextEncoder().encode(settings.secret);
      this.algorithms = SECRET_ALGORITHMS;
    }
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      const options = {
        algorithms: this.algorithms,
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: this.settings.requireExpiry ? ['exp'] : [],
      };
      // Two calls because jwtVerify's overloads distinguish a key from a key-getting function.
      ({ payload } = this.key instanceof Uint8Array ? await jwtVerify(token, this.key, options) : await jwtVerify(token, this.key, options));
    } catch (error) {
      throw this.refusal(error);
    }
    this.checkLifetime(payload);
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
      throw new UnauthenticatedError('the JWT has no subject (sub claim)');
    }
    const name = principalNameOf(payload.sub);
    const role = roleOf(payload[this.settings.roleClaim]) ?? this.settings.defaultRole;
    if (!role) {
      throw new ForbiddenError(`${name} has no lineage role: its claim ${this.settings.roleClaim} names none of reader, writer, admin`);
    }
    return { name, role };
  }

  /**
   * A token may claim at most AUTH_JWT_MAX_LIFETIME_MS of validity: from its `iat`, or from now without one, so that
   * a token minted (or stolen) with an expiry years away is no key for years. Without `exp` (AUTH_JWT_REQUIRE_EXP=off)
   * a token with `iat` is refused once it is older than that.
   */
  private checkLifetime(payload: JWTPayload): void {
    const max = this.settings.maxLifetimeMs / 1000;
    const now = Date.now() / 1000;
    const from = typeof payload.iat === 'number' ? payload.iat : now;
    if (typeof payload.iat === 'number' && payload.iat > now + CLOCK_TOLERANCE_S)
      throw new UnauthenticatedError('the JWT was issued in the future (iat claim)');
    if (typeof payload.exp === 'number' && payload.exp - from > max + CLOCK_TOLERANCE_S) {
      throw new UnauthenticatedError(
        `the JWT is valid for ${Math.round(payload.exp - from)} s, longer than the ${Math.round(max)} s this service accepts (AUTH_JWT_MAX_LIFETIME_MS)`,
      );
    }
    if (payload.exp === undefined && typeof payload.iat === 'number' && now - payload.iat > max + CLOCK_TOLERANCE_S) {
      throw new UnauthenticatedError('the JWT has no expiry and was issued longer ago than AUTH_JWT_MAX_LIFETIME_MS');
    }
  }

  /**
   * A bad token is the client's problem (401); an identity provider that cannot be reached, or answers with
   * something that is not a key set, is ours (503). A token whose key id is not in the set is a bad token.
   */
  private refusal(error: unknown): Error {
    const unreachable =
      !(error instanceof errors.JOSEError) || // network errors of the key set fetch
      error instanceof errors.JWKSTimeout ||
      error instanceof errors.JWKSInvalid ||
      /^Expected 200 OK from the JSON Web Key Set/.test(error.message);
    if (unreachable) {
      this.logger.warn({ err: error, jwksUrl: this.settings.jwksUrl }, 'JWT keys could not be fetched');
      return new ServiceUnavailableError('the keys to verify the JWT (AUTH_JWKS_URL) could not be fetched; retry later');
    }
    if (error instanceof errors.JWTExpired) return new UnauthenticatedError('the JWT has expired');
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'exp' && error.reason === 'missing')
      return new UnauthenticatedError('the JWT has no expiry (exp claim); this service accepts only tokens that expire (AUTH_JWT_REQUIRE_EXP)');
    if (error instanceof errors.JWTClaimValidationFailed)
      return new UnauthenticatedError(`the JWT was refused: claim ${error.claim} ${error.reason === 'check_failed' ? 'does not match' : error.reason}`);
    return new UnauthenticatedError(`the JWT was refused (${error.code})`);
  }
}

/** Subjects up to this many code points are the principal's name as they are. */
const MAX_SUBJECT = 200;

/**
 * `jwt:<sub>`: the actor every write of the caller records, and which the audit trail hashes, so it must be stored
 * exactly as it is hashed. A subject that is not valid Unicode, or holds control characters, names nobody a person
 * could read or a log could show: refused. A longer one keeps its start, cut on a code point, and ends with a
 * digest of the whole subject, so that two subjects sharing their first 200 characters stay two principals.
 */
export function principalNameOf(subject: string): string {
  if (!isWellFormed(subject)) throw new UnauthenticatedError('the JWT subject (sub claim) is not valid Unicode (it holds a lone UTF-16 surrogate)');
  if (hasControlCharacters(subject)) throw new UnauthenticatedError('the JWT subject (sub claim) contains control characters');
  const codePoints = Array.from(subject);
  if (codePoints.length <= MAX_SUBJECT) return `jwt:${subject}`;
  const digest = createHash('sha256').update(subject, 'utf8').digest('base64url').slice(0, 16);
  return `jwt:${codePoints.slice(0, MAX_SUBJECT - digest.length - 2).join('')}…~${digest}`;
}

function roleOf(claim: unknown): Role | null {
  const values = Array.isArray(claim) ? claim : [claim];
  return RANKED_ROLES.find((role) => values.includes(role)) ?? null;
}
