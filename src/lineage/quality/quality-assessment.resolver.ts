import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { DateTimeScalar } from '../../graphql/scalars';
import { Deployment } from '../deployment/deployment.type';
import { ModelVersion } from '../model/model-version.type';
import type { TruncationReason } from '../../core/vocabulary';
import { asOfArgument } from '../questions/question-arguments';
import type { Assessment, AtRiskAnswer as AtRiskResult, OffendingVersion } from './quality-assessment.service';
import { AtRiskAnswer, AtRiskDeployment, DataQualityAssessment, OffendingDatasetVersion } from './quality-assessment.type';
import { toQualityCheck, toQualityFlag } from './quality.resolver';
import { DataQualityStatus, QualitySeverity } from './quality.type';

@Resolver()
export class AtRiskResolver {
  @Query(() => AtRiskAnswer, {
    description:
      'Which deployments live at `asOf` (default now) stand on bad data: each whose provenance, as it stood then, holds a dataset version flagged BAD or SUSPECT or with a failed check (at or above `minSeverity`, reported after its last CLEARED flag), with the offending versions, the failed checks and the shortest path to each.',
  })
  async atRisk(
    @Ctx() { services }: GraphQLContext,
    @Arg('asOf', () => DateTimeScalar, { nullable: true }) asOf?: Date | null,
    @Arg('environments', () => [String], { nullable: true, description: 'Only deployments in these environments (default: all).' })
    environments?: string[] | null,
    @Arg('minSeverity', () => QualitySeverity, { defaultValue: QualitySeverity.WARN }) minSeverity: QualitySeverity = QualitySeverity.WARN,
    @Arg('maxDepth', () => Int, { nullable: true, description: 'Hops upstream from each deployment (default 20).' }) maxDepth?: number | null,
    @Arg('maxNodes', () => Int, {
      nullable: true,
      description: 'Nodes the walk may visit, all deployments together (default and maximum: LIMIT_TRAVERSAL_NODES).',
    })
    maxNodes?: number | null,
  ): Promise<AtRiskAnswer> {
    return toAtRiskAnswer(await services.qualityAssessment.atRisk({ asOf, environments, minSeverity, maxDepth, maxNodes }));
  }
}

const QUALITY_DESCRIPTION =
  'Whether it stands on bad data as of an instant (default now): the offending dataset versions in its provenance, with the failed checks and the shortest path to each.';

/** The arguments of `quality` on a deployment or a model version. */
@ArgsType()
export class AssessmentArgs {
  @Field(() => DateTimeScalar, { nullable: true })
  asOf?: Date | null;

  @Field(() => QualitySeverity, { defaultValue: QualitySeverity.WARN })
  minSeverity: QualitySeverity = QualitySeverity.WARN;

  @Field(() => Int, { nullable: true })
  maxDepth?: number | null;

  @Field(() => Int, { nullable: true, description: 'Nodes the walk may visit (default 1,000).' })
  maxNodes?: number | null;
}

@Resolver(() => Deployment)
export class DeploymentQualityResolver {
  @FieldResolver(() => DataQualityAssessment, { description: QUALITY_DESCRIPTION })
  quality(@Root() deployment: Deployment, @Ctx() context: GraphQLContext, @Args() args: AssessmentArgs): Promise<DataQualityAssessment> {
    return assessmentOf(context, deployment.id, args);
  }
}

@Resolver(() => ModelVersion)
export class ModelVersionQualityResolver {
  @FieldResolver(() => DataQualityAssessment, { description: QUALITY_DESCRIPTION })
  quality(@Root() version: ModelVersion, @Ctx() context: GraphQLContext, @Args() args: AssessmentArgs): Promise<DataQualityAssessment> {
    return assessmentOf(context, version.id, args);
  }
}

@Resolver(() => AtRiskDeployment)
export class AtRiskDeploymentResolver {
  @FieldResolver(() => Deployment)
  async deployment(@Root() item: AtRiskDeployment, @Ctx() { loaders }: GraphQLContext): Promise<Deployment> {
    return (await loaders.deployment.load(item.deploymentId))!;
  }
}

async function assessmentOf(
  { loaders }: GraphQLContext,
  id: string,
  args: { asOf?: Date | null; minSeverity: QualitySeverity; maxDepth?: number | null; maxNodes?: number | null },
): Promise<DataQualityAssessment> {
  const asOf = args.asOf ? asOfArgument(args.asOf) : loaders.quality.requestTime;
  const { set, assessment } = await loaders.quality.assessment.load({
    id,
    asOf,
    minSeverity: args.minSeverity,
    maxDepth: args.maxDepth ?? null,
    maxNodes: args.maxNodes ?? null,
  });
  return {
    asOf: new Date(set.asOf),
    minSeverity: set.minSeverity as QualitySeverity,
    atRisk: (assessment?.offending.length ?? 0) > 0,
    offending: (assessment?.offending ?? []).map(toOffending),
    checkedVersions: set.checkedVersions,
    truncated: set.cut !== null,
    truncatedReason: set.cut as TruncationReason | null,
    maxDepth: set.bounds.maxDepth,
    maxNodes: set.bounds.maxNodes,
  };
}

export function toAtRiskAnswer(answer: AtRiskResult): AtRiskAnswer {
  return {
    asOf: new Date(answer.asOf),
    minSeverity: answer.minSeverity as QualitySeverity,
    environments: answer.environments,
    liveDeployments: answer.liveDeployments,
    checkedVersions: answer.checkedVersions,
    deployments: answer.assessments.map((assessment: Assessment) => ({
      deploymentId: assessment.start.id,
      node: assessment.start,
      offending: assessment.offending.map(toOffending),
    })),
    truncated: answer.cut !== null,
    truncatedReason: answer.cut as TruncationReason | null,
    maxDepth: answer.bounds.maxDepth,
    maxNodes: answer.bounds.maxNodes,
  };
}

export function toOffending(offending: OffendingVersion): OffendingDatasetVersion {
  return {
    datasetVersion: offending.version,
    status: offending.quality.status as DataQualityStatus,
    flag: offending.quality.flag ? toQualityFlag(offending.quality.flag) : null,
    failedChecks: offending.quality.failedChecks.map(toQualityCheck),
    depth: offending.depth,
    path: offending.path,
  };
}
