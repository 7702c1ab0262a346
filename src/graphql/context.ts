import type { CausalScope } from '../db/database';
import type { Services } from '../services';

/** Everything a resolver may use; built fresh for every request, so nothing leaks between requests. */
export interface GraphQLContext {
  requestId: string;
  services: Services;
  causal: CausalScope;
}
