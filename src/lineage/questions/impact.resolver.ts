import { Args, Ctx, Extensions, Query, Resolver } from 'type-graphql';
import { TRAVERSAL_COST } from './traversal-limits';
import type { GraphQLContext } from '../../graphql/context';
import { FilteredTraversalArgs } from './traversal.input';
import { Impact } from './impact.type';

@Resolver(() => Impact)
export class ImpactResolver {
  @Extensions(TRAVERSAL_COST)
  @Query(() => Impact, {
    description:
      'What was made from a node: downstream dataset versions, model versions and deployments, live ones flagged by environment; as of `asOf` (default now). From a dataset or model (all their versions), a dataset version, model version, run or commit; a job: its newest completed run. Also a field of each of those entities.',
  })
  impact(@Args() args: FilteredTraversalArgs, @Ctx() { services }: GraphQLContext): Promise<Impact> {
    return services.impact.assessImpact(args);
  }
}
