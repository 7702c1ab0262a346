import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { FilteredTraversalArgs } from './traversal.input';
import { Provenance } from './provenance.type';

@Resolver(() => Provenance)
export class ProvenanceResolver {
  @Query(() => Provenance, {
    description:
      'Which data, code and runs produced this deployment, model version or dataset version, transitively to the raw sources; as of `asOf` (default now).',
  })
  provenance(@Args() args: FilteredTraversalArgs, @Ctx() { services }: GraphQLContext): Promise<Provenance> {
    return services.provenance.traceProvenance(args);
  }
}
