import { Field, ObjectType } from 'type-graphql';
import { LineageDirection, LineageNode } from './lineage.type';
import { TraversalResult } from './traversal-result.type';

@ObjectType({
  simpleResolvers: true,
  description:
    "A node's neighbourhood for a lineage explorer: nodes and edges within `depth` hops. Expand further from any node whose `hasMoreUpstream`/`hasMoreDownstream` is true with lineageGraph(from: thatNode.id, direction: UPSTREAM or DOWNSTREAM, depth: 1).",
})
export class LineageGraph extends TraversalResult {
  @Field(() => LineageDirection)
  direction!: LineageDirection;

  @Field(() => [LineageNode], { description: 'Every node of the neighbourhood, the start first, then by depth.' })
  nodes!: LineageNode[];
}
