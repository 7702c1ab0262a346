import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { writeContextOf, type GraphQLContext } from '../../graphql/context';
import { JSONObjectScalar } from '../../graphql/scalars';
import { facetValuesOf } from '../../core/facets';
import { Deployment } from '../deployment/deployment.type';
import { Run } from '../run/run.type';
import { ModelVersion } from './model-version.type';
import { RegisterModelVersionInput } from './model.input';
import { Model } from './model.type';

@Resolver(() => ModelVersion)
export class ModelVersionResolver {
  @Query(() => ModelVersion, { nullable: true, description: 'A model version by model name and version.' })
  modelVersion(@Arg('model') model: string, @Arg('version') version: string, @Ctx() { services }: GraphQLContext): Promise<ModelVersion | null> {
    return services.models.findVersionByKey(model, version);
  }

  @Mutation(() => ModelVersion, { description: 'Registers a model version produced by a training run; idempotent on model + version.' })
  registerModelVersion(@Arg('input') input: RegisterModelVersionInput, @Ctx() context: GraphQLContext): Promise<ModelVersion> {
    return context.services.models.registerModelVersion(writeContextOf(context), input);
  }

  @FieldResolver(() => Model)
  async model(@Root() version: ModelVersion, @Ctx() { loaders }: GraphQLContext): Promise<Model> {
    return (await loaders.model.load(version.modelId))!;
  }

  @FieldResolver(() => Run, { nullable: true, description: 'The run that trained this version.' })
  async trainingRun(@Root() version: ModelVersion, @Ctx() { loaders }: GraphQLContext): Promise<Run | null> {
    const runId = await loaders.trainingRunIdOfModelVersion.load(version.id);
    return runId ? loaders.run.load(runId) : null;
  }

  @FieldResolver(() => [Deployment], { description: 'Every deployment of this version, newest first.' })
  deployments(@Root() version: ModelVersion, @Ctx() { loaders }: GraphQLContext): Promise<Deployment[]> {
    return loaders.deploymentsOfModelVersion.load(version.id);
  }

  @FieldResolver(() => JSONObjectScalar, {
    nullable: true,
    description: 'Dataset facets of the OpenLineage output that declared this version (lineage_modelVersion included), by name.',
  })
  facets(@Root() version: ModelVersion): Record<string, unknown> | null {
    return facetValuesOf(version.facetsJson);
  }
}
