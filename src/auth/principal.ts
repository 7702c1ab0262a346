import type { FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError } from '../errors';

/**
 * Who is calling. Every front door resolves the caller to a principal before doing anything, and every write
 * records the principal's name as its actor.
 */
export type Role = 'reader' | 'writer' | 'admin';

export interface Principal {
  /** Stable name recorded as the actor of writes, e.g. `key:ci-pipeline` or a JWT subject. */
  name: string;
  role: Role;
}

/** The caller when the service runs without authentication (the local quick start): may do everything. */
export const ANONYMOUS: Principal = { name: 'anonymous', role: 'admin' };

const RANK: Record<Role, number> = { reader: 0, writer: 1, admin: 2 };

export function hasRole(principal: Principal, needed: Role): boolean {
  return RANK[principal.role] >= RANK[needed];
}

export function requireRole(principal: Principal, needed: Role, operation: string): void {
  if (!hasRole(principal, needed)) {
    throw new ForbiddenError(`${operation} needs the ${needed} role; ${principal.name} has ${principal.role}`, { needed, role: principal.role });
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

/**
 * The principal of a request, as set by the authentication hook (src/http/auth.hook.ts). Fails closed: a route
 * the hook did not authenticate (a public probe) has no principal, and asking for one is refused.
 */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthenticatedError();
  return request.principal;
}
