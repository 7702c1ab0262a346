import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { PageArgs, toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { JSONObjectScalar } from '../../graphql/scalars';
import { facetValuesOf } from '../../core/facets';
import { Run, RunConnection } from '../run/run.type';
import { DatasetVersion } from './dataset-version.type';
import { Dataset } from './dataset.type';

@Resolver(() => DatasetVersion)
export class DatasetVersionResolver {
  @Query(() => DatasetVersion, { nullable: true, description: 'A dataset version by its natural key.' })
  datasetVersion(
    @Arg('namespace') namespace: string,
    @Arg('name') name: string,
    @Arg('version') version: string,
    @Ctx() { services }: GraphQLContext,
  ): Promise<DatasetVersion | null> {
    return services.datasets.findVersionByKey(namespace, name, version);
  }

  @FieldResolver(() => Dataset)
  async dataset(@Root() version: DatasetVersion, @Ctx() { loaders }: GraphQLContext): Promise<Dataset> {
    return (await loaders.dataset.load(version.datasetId))!;
  }

  @FieldResolver(() => Run, { nullable: true, description: 'The run that wrote this version; null for a source nothing recorded produced.' })
  producedBy(@Root() version: DatasetVersion, @Ctx() { loaders }: GraphQLContext): Promise<Run | null> {
    return loaders.producerOfVersion.load(version.id);
  }

  @FieldResolver(() => RunConnection, { description: 'Runs that read this version, newest first.' })
  async consumedBy(@Root() version: DatasetVersion, @Args() { first, after }: PageArgs, @Ctx() { loaders }: GraphQLContext): Promise<RunConnection> {
    return toConnection(await loaders.consumerPagesOfVersion.load({ parentId: version.id, first, after }));
  }

  @FieldResolver(() => JSONObjectScalar, {
    nullable: true,
    description: 'OpenLineage dataset facets reported for this version (schema, columnLineage, ...), by name.',
  })
  facets(@Root() version: DatasetVersion): Record<string, unknown> | null {
    return facetValuesOf(version.facetsJson);
  }
}
