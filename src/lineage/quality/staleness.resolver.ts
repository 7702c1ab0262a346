import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { DateTimeScalar } from '../../graphql/scalars';
import { Dataset } from '../dataset/dataset.type';
import { DatasetVersion } from '../dataset/dataset-version.type';
import { Deployment } from '../deployment/deployment.type';
import { ModelVersion } from '../model/model-version.type';
import { asOfArgument } from '../questions/question-arguments';
import type { Staleness as StalenessData } from './staleness.service';
import { DeploymentStaleness, SourceStaleness, StaleDeploymentsAnswer, Staleness } from './staleness.type';

const DESCRIPTION =
  'How old its training data is as of an instant (default now), and how far each training dataset has moved on since. Null when it did not exist then.';

@Resolver()
export class StaleDeploymentsResolver {
  @Query(() => StaleDeploymentsAnswer, {
    description: 'Deployments live at `asOf` (default now), the one trained on the oldest data first, with how far their training data has moved on.',
  })
  async staleDeployments(
    @Ctx() { services }: GraphQLContext,
    @Arg('asOf', () => DateTimeScalar, { nullable: true }) asOf?: Date | null,
    @Arg('environments', () => [String], { nullable: true }) environments?: string[] | null,
    @Arg('first', () => Int, { nullable: true, description: 'At most this many (default and maximum: LIMIT_PAGE_SIZE).' }) first?: number | null,
  ): Promise<StaleDeploymentsAnswer> {
    const answer = await services.staleness.staleDeployments(asOf, environments, first);
    return {
      asOf: new Date(answer.asOf),
      environments: answer.environments,
      liveDeployments: answer.liveDeployments,
      truncated: answer.truncated,
      deployments: answer.deployments.map((d) => ({ deploymentId: d.deploymentId, staleness: toStaleness(d.staleness) })),
    };
  }
}

@Resolver(() => Deployment)
export class DeploymentStalenessResolver {
  @FieldResolver(() => Staleness, { nullable: true, description: DESCRIPTION })
  async staleness(
    @Root() deployment: Deployment,
    @Ctx() { loaders }: GraphQLContext,
    @Arg('asOf', () => DateTimeScalar, { nullable: true }) asOf?: Date | null,
  ): Promise<Staleness | null> {
    const found = await loaders.quality.staleness.load({ id: deployment.id, asOf: asOf ? asOfArgument(asOf) : loaders.quality.requestTime });
    return found ? toStaleness(found) : null;
  }
}

@Resolver(() => ModelVersion)
export class ModelVersionStalenessResolver {
  @FieldResolver(() => Staleness, { nullable: true, description: DESCRIPTION })
  async staleness(
    @Root() version: ModelVersion,
    @Ctx() { loaders }: GraphQLContext,
    @Arg('asOf', () => DateTimeScalar, { nullable: true }) asOf?: Date | null,
  ): Promise<Staleness | null> {
    const found = await loaders.quality.staleness.load({ id: version.id, asOf: asOf ? asOfArgument(asOf) : loaders.quality.requestTime });
    return found ? toStaleness(found) : null;
  }
}

@Resolver(() => Staleness)
export class StalenessFieldsResolver {
  @FieldResolver(() => ModelVersion)
  async modelVersion(@Root() staleness: Staleness, @Ctx() { loaders }: GraphQLContext): Promise<ModelVersion> {
    return (await loaders.modelVersion.load(staleness.modelVersionId))!;
  }
}

@Resolver(() => SourceStaleness)
export class SourceStalenessResolver {
  @FieldResolver(() => Dataset)
  async dataset(@Root() source: SourceStaleness, @Ctx() { loaders }: GraphQLContext): Promise<Dataset> {
    return (await loaders.dataset.load(source.datasetId))!;
  }

  @FieldResolver(() => DatasetVersion, { description: 'The version trained on.' })
  async trainedOn(@Root() source: SourceStaleness, @Ctx() { loaders }: GraphQLContext): Promise<DatasetVersion> {
    return (await loaders.datasetVersion.load(source.trainedOnId))!;
  }

  @FieldResolver(() => DatasetVersion, { nullable: true, description: 'The newest version by the instant, if newer.' })
  newest(@Root() source: SourceStaleness, @Ctx() { loaders }: GraphQLContext): Promise<DatasetVersion | null> {
    return source.newestId ? loaders.datasetVersion.load(source.newestId) : Promise.resolve(null);
  }
}

@Resolver(() => DeploymentStaleness)
export class DeploymentStalenessFieldsResolver {
  @FieldResolver(() => Deployment)
  async deployment(@Root() item: DeploymentStaleness, @Ctx() { loaders }: GraphQLContext): Promise<Deployment> {
    return (await loaders.deployment.load(item.deploymentId))!;
  }
}

export function toStaleness(data: StalenessData): Staleness {
  return {
    modelVersionId: data.modelVersionId,
    asOf: new Date(data.asOf),
    trainedAt: new Date(data.trainedAt),
    trainingDataCreatedAt: data.trainingDataCreatedAt ? new Date(data.trainingDataCreatedAt) : null,
    trainingDataAgeSeconds: data.trainingDataAgeSeconds,
    newerVersions: data.newerVersions,
    sources: data.sources.map((source) => ({
      datasetId: source.datasetId,
      trainedOnId: source.trainedOn.id,
      newestId: source.newest?.id ?? null,
      label: `${source.dataset.namespace}/${source.dataset.name}`,
      trainedOnVersion: source.trainedOn.version,
      trainedOnCreatedAt: new Date(source.trainedOn.createdAt),
      newerVersions: source.newerVersions,
      newestVersion: source.newest?.version ?? null,
      newestCreatedAt: source.newest ? new Date(source.newest.createdAt) : null,
      newerBySeconds: source.newerBySeconds,
      trainedOnRowCount: source.trainedOnRowCount,
      newestRowCount: source.newestRowCount,
      rowCountDrift: source.rowCountDrift,
      rowCountDriftRatio: source.rowCountDriftRatio,
    })),
  };
}
