import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Logger } from 'pino';
import type { JwtSettings } from '../config';
import { ForbiddenError, ServiceUnavailableError, UnauthenticatedError } from '../errors';
import type { Principal, Role } from './principal';

const RANKED_ROLES: readonly Role[] = ['admin', 'writer', 'reader'];
// Asymmetric algorithms for keys of an identity provider; HMAC only with a configured secret. Never `none`.
const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const SECRET_ALGORITHMS = ['HS256', 'HS384', 'HS512'];

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
      const options = { algorithms: this.algorithms, issuer: this.settings.issuer, audience: this.settings.audience, clockTolerance: 30 };
      // Two calls because jwtVerify's overloads distinguish a key from a key-getting function.
      ({ payload } = this.key instanceof Uint8Array ? await jwtVerify(token, this.key, options) : await jwtVerify(token, this.key, options));
    } catch (error) {
      throw this.refusal(error);
    }
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
      throw new UnauthenticatedError('the JWT has no subject (sub claim)');
    }
    const name = `jwt:${payload.sub.slice(0, 200)}`;
    const role = roleOf(payload[this.settings.roleClaim]) ?? this.settings.defaultRole;
    if (!role) {
      throw new ForbiddenError(`${name} has no lineage role: its claim ${this.settings.roleClaim} names none of reader, writer, admin`);
    }
    return { name, role };
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
    if (error instanceof errors.JWTClaimValidationFailed)
      return new UnauthenticatedError(`the JWT was refused: claim ${error.claim} ${error.reason === 'check_failed' ? 'does not match' : error.reason}`);
    return new UnauthenticatedError(`the JWT was refused (${error.code})`);
  }
}

function roleOf(claim: unknown): Role | null {
  const values = Array.isArray(claim) ? claim : [claim];
  return RANKED_ROLES.find((role) => values.includes(role)) ?? null;
}
