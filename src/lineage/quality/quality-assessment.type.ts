import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars';
import type { TruncationReason } from '../../core/vocabulary';
import { LineageNode, LineagePath, TruncationReasonEnum } from '../questions/lineage.type';
import { DataQualityStatus, QualityCheck, QualityFlag, QualitySeverity } from './quality.type';

@ObjectType({ description: 'A dataset version in the provenance of a deployment or model version that puts it at risk, and how it is reached.' })
export class OffendingDatasetVersion {
  @Field(() => LineageNode)
  datasetVersion!: LineageNode;

  @Field(() => DataQualityStatus, { description: 'BAD, SUSPECT or FAILED.' })
  status!: DataQualityStatus;

  @Field(() => QualityFlag, { nullable: true, description: 'The flag in force at the instant.' })
  flag!: QualityFlag | null;

  @Field(() => [QualityCheck], { description: 'The failed checks that count.' })
  failedChecks!: QualityCheck[];

  @Field(() => Int, { description: 'Hops from the deployment (or model version) to it.' })
  depth!: number;

  @Field(() => LineagePath, { description: 'The shortest path from the deployment (or model version) to it, upstream.' })
  path!: LineagePath;
}

@ObjectType({ description: 'Whether the data a deployment or model version was made from was bad, as known at an instant.' })
export class DataQualityAssessment {
  @Field(() => DateTimeScalar)
  asOf!: Date;

  @Field(() => QualitySeverity, { description: 'Failed checks below this severity do not count.' })
  minSeverity!: QualitySeverity;

  @Field({ description: 'True when its provenance holds an offending dataset version.' })
  atRisk!: boolean;

  @Field(() => [OffendingDatasetVersion], { description: 'Nearest first.' })
  offending!: OffendingDatasetVersion[];

  @Field(() => Int, { description: 'Dataset versions the walk reached and looked at.' })
  checkedVersions!: number;

  @Field({ description: 'True when a limit cut the walk: versions beyond it were not looked at.' })
  truncated!: boolean;

  @Field(() => TruncationReasonEnum, { nullable: true })
  truncatedReason!: TruncationReason | null;

  @Field(() => Int)
  maxDepth!: number;

  @Field(() => Int, { description: 'The node budget of the walk.' })
  maxNodes!: number;
}

@ObjectType({ description: 'A deployment live at the instant that stands on bad data.' })
export class AtRiskDeployment {
  deploymentId!: string;

  @Field(() => LineageNode, { description: 'The deployment as lineage answers show it (label, isLive).' })
  node!: LineageNode;

  @Field(() => [OffendingDatasetVersion], { description: 'Nearest first.' })
  offending!: OffendingDatasetVersion[];
}

@ObjectType({ description: 'Every deployment live at an instant whose provenance holds an offending dataset version, as known then.' })
export class AtRiskAnswer {
  @Field(() => DateTimeScalar)
  asOf!: Date;

  @Field(() => QualitySeverity)
  minSeverity!: QualitySeverity;

  @Field(() => [String], { nullable: true, description: 'The environments asked about; null for all.' })
  environments!: string[] | null;

  @Field(() => Int, { description: 'Live deployments looked at.' })
  liveDeployments!: number;

  @Field(() => Int, { description: 'Dataset versions their provenance reached.' })
  checkedVersions!: number;

  @Field(() => [AtRiskDeployment], { description: 'By environment, then name.' })
  deployments!: AtRiskDeployment[];

  @Field({ description: 'True when a limit cut the walk: some provenance was not looked at.' })
  truncated!: boolean;

  @Field(() => TruncationReasonEnum, { nullable: true })
  truncatedReason!: TruncationReason | null;

  @Field(() => Int)
  maxDepth!: number;

  @Field(() => Int)
  maxNodes!: number;
}
