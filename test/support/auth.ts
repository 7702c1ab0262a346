import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import type { Role } from '../../src/auth/principal';
import type { Services } from '../../src/services';
import { uniqueNamespace } from './service';

/** Creates an API key with a unique name through the service (as the CLI does); returns its name and secret. */
export async function createTestKey(
  services: Services,
  role: Role,
  prefix: string = role,
): Promise<{ name: string; secret: string; header: Record<string, string> }> {
  const name = uniqueNamespace(`test-${prefix}`);
  const { secret } = await services.apiKeys.createKey({ actor: 'test', source: 'cli' }, { name, role });
  return { name, secret, header: { authorization: `Bearer ${secret}` } };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/**
 * An HS256 JWT signed with `secret`; `claims` may override everything, `expiresIn` defaults to 5 minutes (null: no
 * `exp` at all).
 */
export async function hsJwt(secret: string, claims: JWTPayload, options: { expiresIn?: string | number | null } = {}): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (options.expiresIn !== null) jwt.setExpirationTime(options.expiresIn ?? '5m');
  return jwt.sign(new TextEncoder().encode(secret));
}

/** A JWKS endpoint on loopback serving one RSA key, and a signer for tokens with that key. */
export interface TestIssuer {
  jwksUrl: string;
  sign(claims: JWTPayload, expiresIn?: string | number): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIssuer(): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    sign: (claims, expiresIn = '5m') => signRs(privateKey, claims, expiresIn),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function signRs(key: KeyLike, claims: JWTPayload, expiresIn: string | number): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).setIssuedAt().setExpirationTime(expiresIn).sign(key);
}
