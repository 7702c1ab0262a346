import type { AuthSettings } from '../config';
import { UnauthenticatedError } from '../errors';
import { API_KEY_PREFIX, type ApiKeyService } from './api-key.service';
import type { JwtVerifier } from './jwt.verifier';
import { ANONYMOUS, type Principal } from './principal';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Turns the Authorization header of a request into a principal: `Bearer <API key>` or `Bearer <JWT>`, the header
 * OpenLineage clients already send. Without authentication configured every caller is the anonymous admin.
 */
export class Authenticator {
  constructor(
    private readonly settings: AuthSettings,
    private readonly apiKeys: ApiKeyService,
    private readonly jwt: JwtVerifier | undefined,
  ) {}

  get enabled(): boolean {
    return this.settings.enabled;
  }

  async authenticate(authorization: string | undefined): Promise<Principal> {
    if (!this.settings.enabled) return ANONYMOUS;
    if (authorization === undefined || authorization.trim() === '') throw new UnauthenticatedError();
    const token = BEARER.exec(authorization)?.[1];
    if (!token) throw new UnauthenticatedError('the Authorization header must be "Bearer <api key or JWT>"');

    if (token.startsWith(API_KEY_PREFIX)) {
      const principal = await this.apiKeys.authenticate(token);
      if (!principal) throw new UnauthenticatedError('the API key is unknown or revoked');
      return principal;
    }
    if (JWT_SHAPE.test(token)) {
      if (!this.jwt) throw new UnauthenticatedError('JWTs are not accepted here (no AUTH_JWKS_URL or AUTH_JWT_SECRET is configured); use an API key');
      return this.jwt.verify(token);
    }
    throw new UnauthenticatedError(`the bearer token is neither an API key (${API_KEY_PREFIX}…) nor a JWT`);
  }
}
