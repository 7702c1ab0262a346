import type { FastifyInstance } from 'fastify';
import { accessFor } from '../auth/access-policy';
import type { Authenticator } from '../auth/authenticator';
import { requireRole } from '../auth/principal';
import { currentRequestScope } from '../db/request-scope';

/**
 * Authenticates every request before its route runs, and refuses it when the route's prefix needs a higher role
 * (src/auth/access-policy.ts). Routes added later are covered by their prefix. Public probes are not
 * authenticated and get no principal.
 */
export function registerAuthentication(app: FastifyInstance, authenticator: Authenticator): void {
  app.decorateRequest('principal', null as never);
  app.addHook('onRequest', async (request) => {
    // The matched route pattern; the path when no route matched (the 404 that follows then needs the same role).
    const route = request.routeOptions.url ?? request.url.split('?')[0];
    const access = accessFor(request.method, route);
    if (access === 'public') return;
    request.principal = await authenticator.authenticate(request.headers.authorization);
    // Expensive questions queue fairly by principal (src/db/fair-lane.ts).
    currentRequestScope()?.identify(request.principal.name);
    requireRole(request.principal, access, `${request.method} ${route}`);
  });
}
