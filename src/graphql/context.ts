import type { Principal } from '../auth/principal';
import type { CausalScope } from '../db/database';
import type { WriteContext } from '../core/write-context';
import type { Services } from '../services';
import type { Loaders } from './loaders';

/** Everything a resolver may use; built fresh for every request, so nothing leaks between requests. */
export interface GraphQLContext {
  requestId: string;
  /** Who is calling: checked against the role each operation needs (src/graphql/operation-access.ts). */
  principal: Principal;
  /** The principal's name, recorded as the actor of writes; `anonymous` when authentication is off. */
  actor: string;
  services: Services;
  loaders: Loaders;
  causal: CausalScope;
}

/** How a GraphQL mutation identifies itself to the write services (and so to the audit trail). */
export function writeContextOf(context: GraphQLContext): WriteContext {
  return { actor: context.actor, source: 'graphql', requestId: context.requestId };
}
