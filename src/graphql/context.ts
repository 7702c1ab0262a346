import type { CausalScope } from '../db/database';
import type { WriteContext } from '../lineage/common/write-context';
import type { Services } from '../services';
import type { Loaders } from './loaders';

/** Everything a resolver may use; built fresh for every request, so nothing leaks between requests. */
export interface GraphQLContext {
  requestId: string;
  /** The authenticated principal, or `anonymous`. */
  actor: string;
  services: Services;
  loaders: Loaders;
  causal: CausalScope;
}

/** How a GraphQL mutation identifies itself to the write services (and so to the audit trail). */
export function writeContextOf(context: GraphQLContext): WriteContext {
  return { actor: context.actor, source: 'graphql', requestId: context.requestId };
}
