import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { loadNode } from '../node/node.resolver';
import { Node } from '../node/node.type';
import { LineageNode, LineagePath } from './lineage.type';
import { boundedArgument } from './traversal-limits';

@Resolver(() => LineageNode)
export class LineageNodeResolver {
  @FieldResolver(() => Node, {
    description: 'The full entity (batched with every other entity of the request), for typed fragments: `entity { ... on Run { parameters } }`.',
  })
  async entity(@Root() node: LineageNode, @Ctx() { loaders }: GraphQLContext): Promise<Node> {
    return (await loadNode(loaders, node.id))!;
  }

  @FieldResolver(() => [LineagePath], {
    description: 'Paths from the start of the traversal to this node, shortest first: why it is in the answer. Empty outside a traversal.',
  })
  paths(
    @Root() node: LineageNode,
    @Arg('first', () => Int, { nullable: true, description: 'How many (default 1, at most 10).' }) first?: number | null,
  ): LineagePath[] {
    const count = boundedArgument('first', first, 'DEFAULT_PATHS', 'MAX_PATHS');
    return node.pathsFrom?.(count) ?? [];
  }
}
