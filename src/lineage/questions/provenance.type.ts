import { Field, ObjectType } from 'type-graphql';
import { LineageNode } from './lineage.type';
import { TraversalResult } from './traversal-result.type';

@ObjectType({
  simpleResolvers: true,
  description: 'Everything a node was made from: the dataset versions, runs and commits upstream of it, transitively to the raw sources, as of an instant.',
})
export class Provenance extends TraversalResult {
  @Field(() => [LineageNode], { description: 'Upstream nodes (the start excluded), nearest first; only the kinds asked for.' })
  nodes!: LineageNode[];

  @Field(() => [LineageNode], { description: 'The raw sources: upstream dataset versions that nothing recorded produced.' })
  sources!: LineageNode[];
}
