import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PageArgs, toConnection } from '../../graphql/connection';
import { writeContextOf, type GraphQLContext } from '../../graphql/context';
import { JSONObjectScalar } from '../../graphql/scalars';
import { facetValuesOf } from '../../core/facets';
import { DatasetVersion, DatasetVersionConnection } from './dataset-version.type';
import { DatasetVersionInput, RegisterDatasetInput } from './dataset.input';
import { Dataset, DatasetConnection } from './dataset.type';

@Resolver(() => Dataset)
export class DatasetResolver {
  @Query(() => Dataset, { nullable: true, description: 'A dataset by its natural key.' })
  dataset(@Arg('namespace') namespace: string, @Arg('name') name: string, @Ctx() { services }: GraphQLContext): Promise<Dataset | null> {
    return services.datasets.findByKey(namespace, name);
  }

  @Query(() => DatasetConnection, { description: 'Datasets by namespace, then name.' })
  async datasets(
    @Args() { first, after }: PageArgs,
    @Ctx() { services }: GraphQLContext,
    @Arg('namespace', () => String, { nullable: true }) namespace?: string | null,
    @Arg('namePrefix', () => String, { nullable: true }) namePrefix?: string | null,
  ): Promise<DatasetConnection> {
    return toConnection(await services.datasets.list({ namespace, namePrefix }, first, after));
  }

  @Mutation(() => Dataset, { description: 'Registers a dataset; idempotent on namespace + name.' })
  registerDataset(@Arg('input') input: RegisterDatasetInput, @Ctx() context: GraphQLContext): Promise<Dataset> {
    return context.services.datasets.registerDataset(writeContextOf(context), input);
  }

  @Mutation(() => DatasetVersion, { description: 'Registers a dataset version (and its dataset); idempotent on namespace + name + version.' })
  registerDatasetVersion(@Arg('input') input: DatasetVersionInput, @Ctx() context: GraphQLContext): Promise<DatasetVersion> {
    return context.services.datasets.registerDatasetVersion(writeContextOf(context), input);
  }

  @FieldResolver(() => DatasetVersionConnection, { description: 'Versions, newest first.' })
  async versions(@Root() dataset: Dataset, @Args() { first, after }: PageArgs, @Ctx() { loaders }: GraphQLContext): Promise<DatasetVersionConnection> {
    return toConnection(await loaders.datasetVersionPages.load({ parentId: dataset.id, first, after }));
  }

  @FieldResolver(() => DatasetVersion, { nullable: true, description: 'The newest version.' })
  latestVersion(@Root() dataset: Dataset, @Ctx() { loaders }: GraphQLContext): Promise<DatasetVersion | null> {
    return loaders.latestDatasetVersion.load(dataset.id);
  }

  @FieldResolver(() => JSONObjectScalar, {
    nullable: true,
    description: 'OpenLineage dataset facets reported without a version (DatasetEvents, inputs read without naming a version), by name.',
  })
  facets(@Root() dataset: Dataset): Record<string, unknown> | null {
    return facetValuesOf(dataset.facetsJson);
  }
}
