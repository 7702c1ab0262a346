import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import type { NodeKind } from '../../core/vocabulary';
import { LineageNodeKind } from './lineage.type';
import { SearchHit } from './search.type';

@Resolver(() => SearchHit)
export class SearchResolver {
  @Query(() => [SearchHit], {
    description:
      'Datasets, jobs, models, deployments and commits whose name, namespace, environment, repository or SHA matches the words of `query` (whole words, prefixes, parts of words), best first.',
  })
  search(
    @Arg('query') query: string,
    @Ctx() { services }: GraphQLContext,
    @Arg('kinds', () => [LineageNodeKind], { nullable: true, description: 'Only these kinds (of DATASET, JOB, MODEL, DEPLOYMENT, COMMIT).' })
    kinds?: NodeKind[] | null,
    @Arg('first', () => Int, { nullable: true, description: 'How many hits (default 20, at most 100).' }) first?: number | null,
  ): Promise<SearchHit[]> {
    return services.search.search({ query, kinds, first });
  }
}
