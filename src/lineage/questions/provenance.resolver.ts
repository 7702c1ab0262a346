import { Args, Ctx, Extensions, Query, Resolver } from 'type-graphql';
import { TRAVERSAL_COST } from './traversal-limits';
import type { GraphQLContext } from '../../graphql/context';
import { FilteredTraversalArgs } from './traversal.input';
import { Provenance } from './provenance.type';

@Resolver(() => Provenance)
export class ProvenanceResolver {
  @Extensions(TRAVERSAL_COST)
  @Query(() => Provenance, {
    description:
      'Which data, code and runs produced a node, transitively to the raw sources, as of `asOf` (default now). From a deployment, model version, dataset version or run; a dataset: its version current at `asOf`; a model: its newest version; a job: its newest completed run. Also a field of each of those entities.',
  })
  provenance(@Args() args: FilteredTraversalArgs, @Ctx() { services }: GraphQLContext): Promise<Provenance> {
    return services.provenance.traceProvenance(args);
  }
}
