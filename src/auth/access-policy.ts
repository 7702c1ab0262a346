import type { Role } from './principal';

/**
 * Who may call which route, by route prefix, so that a route added later is covered by the rule of its prefix
 * (the OpenLineage routes, /api/v1/lineage and /api/v1/lineage/batch, need nothing of their own). A route that
 * no rule names needs an authenticated reader: only the probes below are open.
 *
 * GraphQL is checked twice: here for authentication, then per operation (queries: reader; mutations: writer;
 * fields marked with a role, e.g. API keys: that role), see src/graphql/operation-access.plugin.ts.
 */
export type Access = Role | 'public';

interface AccessRule {
  /** A route pattern (as registered with Fastify) or its prefix ending at a `/`. */
  prefix: string;
  access: Access | ((method: string) => Access);
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const ACCESS_RULES: readonly AccessRule[] = [
  // Probes and metrics carry no lineage data; load balancers and Prometheus call them without credentials.
  { prefix: '/healthz', access: 'public' },
  { prefix: '/readyz', access: 'public' },
  { prefix: '/metrics', access: 'public' },
  { prefix: '/graphql', access: 'reader' },
  // OpenLineage ingestion writes; reading lineage through the same prefix only reads.
  { prefix: '/api/v1/lineage', access: (method) => (READ_METHODS.has(method) ? 'reader' : 'writer') },
  // The explorer's page and its bundle hold no lineage data: the page asks /graphql for everything, with the key
  // its user enters, so it must load before anyone has authenticated.
  { prefix: '/explorer', access: 'public' },
  // Audit reports only read.
  { prefix: '/reports', access: 'reader' },
];

/**
 * The access a request needs. `route` is the matched route pattern, or the request's path when no route matched:
 * paths no rule names need authentication, so that the routes cannot be probed anonymously.
 */
export function accessFor(method: string, route: string | undefined): Access {
  if (route !== undefined) {
    const rule = ACCESS_RULES.find(({ prefix }) => route === prefix || route.startsWith(`${prefix}/`));
    if (rule) return typeof rule.access === 'function' ? rule.access(method.toUpperCase()) : rule.access;
  }
  return 'reader';
}
