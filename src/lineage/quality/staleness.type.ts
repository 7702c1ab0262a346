import { SafeIntResolver } from 'graphql-scalars';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars';

@ObjectType({ description: 'How far one dataset a model was trained on has moved on since, as of an instant.' })
export class SourceStaleness {
  datasetId!: string;
  trainedOnId!: string;
  newestId!: string | null;

  @Field({ description: 'The dataset, as `namespace/name`.' })
  label!: string;

  @Field({ description: 'The version trained on.' })
  trainedOnVersion!: string;

  @Field(() => DateTimeScalar)
  trainedOnCreatedAt!: Date;

  @Field(() => Int, { description: 'Versions of the dataset created after the one trained on, by the instant.' })
  newerVersions!: number;

  @Field(() => String, { nullable: true, description: 'The newest version by the instant; null when none is newer.' })
  newestVersion!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  newestCreatedAt!: Date | null;

  @Field(() => Float, { nullable: true, description: 'How much newer the newest version is, in seconds.' })
  newerBySeconds!: number | null;

  @Field(() => SafeIntResolver, {
    nullable: true,
    description: 'Rows of the version trained on (latest dataQualityMetrics by the instant, else its rowCount).',
  })
  trainedOnRowCount!: number | null;

  @Field(() => SafeIntResolver, { nullable: true })
  newestRowCount!: number | null;

  @Field(() => SafeIntResolver, { nullable: true, description: 'newestRowCount − trainedOnRowCount.' })
  rowCountDrift!: number | null;

  @Field(() => Float, { nullable: true, description: 'rowCountDrift / trainedOnRowCount (0.3: 30 % more rows).' })
  rowCountDriftRatio!: number | null;
}

@ObjectType({ description: "How old a model version's training data is at an instant, and how far its training datasets have moved on." })
export class Staleness {
  modelVersionId!: string;

  @Field(() => DateTimeScalar)
  asOf!: Date;

  @Field(() => DateTimeScalar, { description: 'When its training run started (else when the version was recorded).' })
  trainedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Creation time of the newest dataset version it was trained on.' })
  trainingDataCreatedAt!: Date | null;

  @Field(() => Float, { nullable: true, description: 'asOf − trainingDataCreatedAt, in seconds.' })
  trainingDataAgeSeconds!: number | null;

  @Field(() => Int, { description: 'Newer versions of its training datasets, all together.' })
  newerVersions!: number;

  @Field(() => [SourceStaleness], { description: 'One per dataset version its training run read, by dataset.' })
  sources!: SourceStaleness[];
}

@ObjectType()
export class DeploymentStaleness {
  deploymentId!: string;

  @Field(() => Staleness)
  staleness!: Staleness;
}

@ObjectType({ description: 'Deployments live at an instant, the one trained on the oldest data first.' })
export class StaleDeploymentsAnswer {
  @Field(() => DateTimeScalar)
  asOf!: Date;

  @Field(() => [String], { nullable: true })
  environments!: string[] | null;

  @Field(() => Int, { description: 'Live deployments looked at.' })
  liveDeployments!: number;

  @Field({ description: 'True when there were more live deployments than LIMIT_TRAVERSAL_NODES: the rest were not looked at.' })
  truncated!: boolean;

  @Field(() => [DeploymentStaleness])
  deployments!: DeploymentStaleness[];
}
