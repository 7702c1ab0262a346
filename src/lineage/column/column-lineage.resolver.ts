import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { DatasetVersion } from '../dataset/dataset-version.type';
import { Deployment } from '../deployment/deployment.type';
import { ModelVersion } from '../model/model-version.type';
import { ColumnImpactArgs, ColumnLineageArgs } from './column-lineage.input';
import { ColumnImpact, ColumnLineage, ImpactedDatasetVersion, ImpactedDeployment, ImpactedModelVersion } from './column-lineage.type';
import type { ColumnField } from './column.type';

@Resolver(() => ColumnLineage)
export class ColumnLineageResolver {
  @Query(() => ColumnLineage, {
    description:
      "A field's column-level lineage: the input fields it was computed from (UPSTREAM, the default), the fields computed from it (DOWNSTREAM) or both, each on the exact dataset version read or written, with the transformations of every edge; as of `asOf` (default now), bounded by `depth` and `maxNodes`.",
  })
  async columnLineage(@Args() args: ColumnLineageArgs, @Ctx() { services, loaders }: GraphQLContext): Promise<ColumnLineage> {
    const answer = await services.columns.traceColumn(args);
    primeFields(loaders, answer.fields);
    return answer;
  }

  @Query(() => ColumnImpact, {
    description:
      'Which fields, dataset versions, model versions and live deployments use this column, directly or through derived fields, as of `asOf`; `masked` where every path passed through a masking transformation.',
  })
  async columnImpact(@Args() args: ColumnImpactArgs, @Ctx() { services, loaders }: GraphQLContext): Promise<ColumnImpact> {
    const answer = await services.columns.assessColumnImpact(args);
    primeFields(loaders, [...answer.starts, ...answer.fields]);
    return answer;
  }
}

/** The fields of an answer are what its edges' `upstreamField`/`downstreamField` name: no second read for them. */
function primeFields(loaders: GraphQLContext['loaders'], fields: readonly ColumnField[]): void {
  for (const field of fields) loaders.columnField.prime(field.id, { ...field, depth: null, masked: null });
}

@Resolver(() => ImpactedDatasetVersion)
export class ImpactedDatasetVersionResolver {
  @FieldResolver(() => DatasetVersion)
  async datasetVersion(@Root() impacted: ImpactedDatasetVersion, @Ctx() { loaders }: GraphQLContext): Promise<DatasetVersion> {
    return (await loaders.datasetVersion.load(impacted.datasetVersionId))!;
  }
}

@Resolver(() => ImpactedModelVersion)
export class ImpactedModelVersionResolver {
  @FieldResolver(() => ModelVersion)
  async modelVersion(@Root() impacted: ImpactedModelVersion, @Ctx() { loaders }: GraphQLContext): Promise<ModelVersion> {
    return (await loaders.modelVersion.load(impacted.modelVersionId))!;
  }
}

@Resolver(() => ImpactedDeployment)
export class ImpactedDeploymentResolver {
  @FieldResolver(() => Deployment)
  async deployment(@Root() impacted: ImpactedDeployment, @Ctx() { loaders }: GraphQLContext): Promise<Deployment> {
    return (await loaders.deployment.load(impacted.deploymentId))!;
  }

  @FieldResolver(() => ModelVersion, { description: 'The impacted model version it serves.' })
  async modelVersion(@Root() impacted: ImpactedDeployment, @Ctx() { loaders }: GraphQLContext): Promise<ModelVersion> {
    return (await loaders.modelVersion.load(impacted.modelVersionId))!;
  }
}
