import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { LimitExceededError } from '../../errors';
import type { GraphQLContext } from '../../graphql/context';
import { kindOfId } from '../../core/ids';
import { Node } from './node.type';
import type { NodeKind } from '../../core/vocabulary';

/** Which loader fetches each kind of node, so that node(id:) and nodes(ids:) batch like any other field. */
type Loaders = GraphQLContext['loaders'];

const LOADER_OF: Record<NodeKind, keyof Loaders> = {
  Dataset: 'dataset',
  DatasetVersion: 'datasetVersion',
  Job: 'job',
  Run: 'run',
  Commit: 'commit',
  Model: 'model',
  ModelVersion: 'modelVersion',
  Deployment: 'deployment',
};

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any entity by its global id; null if there is none.' })
  node(@Arg('id', () => ID) id: string, @Ctx() { loaders }: GraphQLContext): Promise<Node | null> | null {
    return loadNode(loaders, id);
  }

  @Query(() => [Node], { nullable: 'items', description: 'Entities by global id, in the order asked; null where there is none.' })
  nodes(@Arg('ids', () => [ID]) ids: string[], @Ctx() { loaders, services }: GraphQLContext): Promise<Array<Node | null>> {
    // An id list is a page the client chose: the page size limit bounds it.
    const max = services.limits.page.maxSize;
    if (ids.length > max) throw new LimitExceededError('LIMIT_PAGE_SIZE', `nodes takes at most ${max} ids per call, got ${ids.length}`);
    return Promise.all(ids.map((id) => loadNode(loaders, id)));
  }
}

/** Any entity by global id through its kind's loader (batched with every other load of the request). */
export function loadNode(loaders: Loaders, id: string): Promise<Node | null> | null {
  const kind = kindOfId(id);
  if (!kind) return null;
  const loader = loaders[LOADER_OF[kind]] as { load(key: string): Promise<Node | null> };
  return loader.load(id);
}
