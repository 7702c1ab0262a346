import { Field, Float, ObjectType } from 'type-graphql';
import { LineageNode } from './lineage.type';

@ObjectType({ description: 'A node found by `search`, with its relevance.' })
export class SearchHit {
  @Field(() => Float, { description: 'Full-text relevance (higher is better); hits are already in rank order.' })
  score!: number;

  @Field(() => LineageNode, { description: '`hasMoreUpstream`/`hasMoreDownstream` say whether it has any lineage to explore.' })
  node!: LineageNode;
}
