import { Args, Ctx, Extensions, Query, Resolver } from 'type-graphql';
import { GRAPH_COST } from './traversal-limits';
import type { GraphQLContext } from '../../graphql/context';
import { LineageGraphArgs } from './traversal.input';
import { LineageGraph } from './lineage-graph.type';

@Resolver(() => LineageGraph)
export class LineageGraphResolver {
  @Extensions(GRAPH_COST)
  @Query(() => LineageGraph, {
    description:
      "A node's lineage neighbourhood for an explorer: nodes and edges within `depth` hops (default 2), bounded by `maxNodes` (default 100). From any node; also a field of every entity.",
  })
  lineageGraph(@Args() args: LineageGraphArgs, @Ctx() { services }: GraphQLContext): Promise<LineageGraph> {
    return services.lineageGraph.neighbourhood(args);
  }
}
