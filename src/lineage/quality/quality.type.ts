import { SafeIntResolver } from 'graphql-scalars';
import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../../graphql/scalars';

export enum QualitySeverity {
  INFO = 'INFO',
  WARN = 'WARN',
  ERROR = 'ERROR',
}

registerEnumType(QualitySeverity, {
  name: 'QualitySeverity',
  description:
    "How much a failed check matters, from the producer's `severity`: `warn`/`warning` is WARN, `info` is INFO; `error`, anything else or nothing is ERROR (a failure that does not say it is only a warning is not treated as one).",
});

export enum QualityFlagStatus {
  SUSPECT = 'SUSPECT',
  BAD = 'BAD',
  CLEARED = 'CLEARED',
}

registerEnumType(QualityFlagStatus, {
  name: 'QualityFlagStatus',
  description:
    "A person's verdict on a dataset version. SUSPECT and BAD put what was made from it at risk; CLEARED says it was checked and is fine: failed checks reported until then no longer count.",
});

export enum DataQualityStatus {
  BAD = 'BAD',
  SUSPECT = 'SUSPECT',
  FAILED = 'FAILED',
  CLEARED = 'CLEARED',
  PASSED = 'PASSED',
  UNCHECKED = 'UNCHECKED',
}

registerEnumType(DataQualityStatus, {
  name: 'DataQualityStatus',
  description:
    'A dataset version as of an instant: BAD or SUSPECT (its flag in force), FAILED (a check failed at or above the severity asked for, after the last CLEARED flag), CLEARED (cleared, nothing failed since), PASSED (checked, nothing counts as failed), UNCHECKED (no check and no flag recorded).',
});

@ObjectType({ description: 'One check of a dataset version and its result, as a quality tool reported it.' })
export class QualityCheck {
  runId!: string | null;

  @Field({ description: 'The kind of check: `not_null`, `unique`, `expect_column_values_to_be_between`, …' })
  assertion!: string;

  @Field(() => String, { nullable: true, description: "The check's own name, when the producer gives one (a dbt test)." })
  name!: string | null;

  @Field(() => String, { nullable: true, description: 'The column checked; null for a check of the whole dataset.' })
  column!: string | null;

  @Field()
  success!: boolean;

  @Field(() => QualitySeverity)
  severity!: QualitySeverity;

  @Field(() => String, { nullable: true, description: 'The severity as the producer wrote it.' })
  reportedSeverity!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => String, { nullable: true })
  expected!: string | null;

  @Field(() => String, { nullable: true })
  actual!: string | null;

  @Field(() => DateTimeScalar, { description: 'Event time of the event that reported the result.' })
  assertedAt!: Date;

  @Field({ description: 'The facet it came from: `dataQualityAssertions`, `greatExpectations_assertions` or `test` (TestRunFacet).' })
  facet!: string;

  @Field({ description: 'True when it failed and counts toward the status (at or above the severity asked for, reported after the last CLEARED flag).' })
  counts!: boolean;
}

@ObjectType({ description: 'Statistics of one column, from `dataQualityMetrics`.' })
export class ColumnMetrics {
  @Field()
  column!: string;

  @Field(() => SafeIntResolver, { nullable: true })
  nullCount!: number | null;

  @Field(() => SafeIntResolver, { nullable: true })
  distinctCount!: number | null;

  @Field(() => Float, { nullable: true })
  sum!: number | null;

  @Field(() => Float, { nullable: true })
  count!: number | null;

  @Field(() => Float, { nullable: true })
  min!: number | null;

  @Field(() => Float, { nullable: true })
  max!: number | null;

  @Field(() => JSONObjectScalar, { nullable: true, description: 'By quantile (`"0.5": 12.3`).' })
  quantiles!: Record<string, number> | null;
}

@ObjectType({ description: 'Measurements of a dataset version (`dataQualityMetrics`), as one run or event reported them.' })
export class QualityMetrics {
  runId!: string | null;

  @Field(() => DateTimeScalar, { description: 'Event time of the event that reported them.' })
  measuredAt!: Date;

  @Field(() => SafeIntResolver, { nullable: true })
  rowCount!: number | null;

  @Field(() => SafeIntResolver, { nullable: true })
  bytes!: number | null;

  @Field(() => SafeIntResolver, { nullable: true })
  fileCount!: number | null;

  @Field(() => String, { nullable: true, description: 'When the dataset last changed, as the producer says.' })
  lastUpdated!: string | null;

  @Field(() => [ColumnMetrics], { description: 'By column name.' })
  columns!: ColumnMetrics[];
}

@ObjectType({ description: 'A flag a person put on a dataset version: audited, kept for ever, in force until the next flag.' })
export class QualityFlag {
  versionId!: string;

  @Field(() => ID)
  id!: string;

  @Field(() => QualityFlagStatus)
  status!: QualityFlagStatus;

  @Field()
  reason!: string;

  @Field(() => DateTimeScalar)
  flaggedAt!: Date;

  @Field({ description: 'The principal who flagged it.' })
  flaggedBy!: string;
}

@ObjectType({ description: 'The data quality of a dataset version as of an instant: its checks, metrics and flags recorded by then.' })
export class DatasetVersionQuality {
  versionId!: string;

  @Field(() => DateTimeScalar)
  asOf!: Date;

  @Field(() => QualitySeverity, { description: 'Failed checks below this severity do not count.' })
  minSeverity!: QualitySeverity;

  @Field(() => DataQualityStatus)
  status!: DataQualityStatus;

  @Field({ description: 'BAD, SUSPECT or FAILED: what was made from it is at risk.' })
  offending!: boolean;

  @Field(() => QualityFlag, { nullable: true, description: 'The flag in force: the latest made at or before the instant.' })
  flag!: QualityFlag | null;

  @Field(() => [QualityFlag], { description: 'Flags made at or before the instant, newest first.' })
  flags!: QualityFlag[];

  @Field(() => [QualityCheck], { description: 'The failed checks that count.' })
  failedChecks!: QualityCheck[];

  @Field(() => [QualityCheck], { description: 'Every check reported by the instant (the latest report of each run and facet), newest first.' })
  checks!: QualityCheck[];

  @Field(() => QualityMetrics, { nullable: true, description: 'The latest measurements reported by the instant.' })
  metrics!: QualityMetrics | null;
}
