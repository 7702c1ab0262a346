import { Field, ID, InterfaceType } from 'type-graphql';
import type { NodeKind } from '../../core/vocabulary';

@InterfaceType({
  description: 'Anything with a stable global id, fetchable with `node(id:)`.',
  // Records carry their kind; type-graphql's default instanceof check does not work on plain objects.
  resolveType: (value: { kind: NodeKind }) => value.kind,
})
export abstract class Node {
  @Field(() => ID, { description: 'Global id, derived from the natural key: the same entity always has the same id.' })
  id!: string;
}
