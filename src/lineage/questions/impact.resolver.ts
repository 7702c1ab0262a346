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
      'What was made from this dataset, dataset version or commit: downstream dataset versions, model versions and deployments, live ones flagged by environment; as of `asOf` (default now).',
  })
  impact(@Args() args: FilteredTraversalArgs, @Ctx() { services }: GraphQLContext): Promise<Impact> {
    return services.impact.assessImpact(args);
  }
}
