import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { writeContextOf, type GraphQLContext } from '../../graphql/context';
import { DateTimeScalar } from '../../graphql/scalars';
import { DatasetVersion } from '../dataset/dataset-version.type';
import { Run } from '../run/run.type';
import { asOfArgument } from '../questions/question-arguments';
import { isOffending, type CheckResult } from './quality-status';
import type { StoredFlag, StoredReport } from './quality.repository';
import type { VersionQualityAnswer } from './quality.service';
import { FlagDatasetVersionInput } from './quality.input';
import {
  ColumnMetrics,
  DataQualityStatus,
  DatasetVersionQuality,
  QualityCheck,
  QualityFlag,
  QualityFlagStatus,
  QualityMetrics,
  QualitySeverity,
} from './quality.type';

@Resolver(() => DatasetVersion)
export class DatasetVersionQualityResolver {
  @FieldResolver(() => DatasetVersionQuality, { description: 'Its data quality as of an instant (default: now): checks, metrics and flags recorded by then.' })
  async quality(
    @Root() version: DatasetVersion,
    @Ctx() { loaders }: GraphQLContext,
    @Arg('asOf', () => DateTimeScalar, { nullable: true }) asOf?: Date | null,
    @Arg('minSeverity', () => QualitySeverity, { defaultValue: QualitySeverity.WARN, description: 'Failed checks below this severity do not count.' })
    minSeverity: QualitySeverity = QualitySeverity.WARN,
  ): Promise<DatasetVersionQuality> {
    const at = asOf ? asOfArgument(asOf) : loaders.quality.requestTime;
    return toVersionQuality(await loaders.quality.versionQuality.load({ versionId: version.id, asOf: at, minSeverity }));
  }

  @Mutation(() => QualityFlag, {
    description: 'Flags a dataset version SUSPECT or BAD (what was made from it is at risk), or CLEARED (checked, fine). Audited; flags have history.',
  })
  async flagDatasetVersion(@Arg('input') input: FlagDatasetVersionInput, @Ctx() context: GraphQLContext): Promise<QualityFlag> {
    return toQualityFlag(await context.services.quality.flagDatasetVersion(writeContextOf(context), input));
  }
}

@Resolver(() => QualityFlag)
export class QualityFlagResolver {
  @FieldResolver(() => DatasetVersion)
  async datasetVersion(@Root() flag: QualityFlag, @Ctx() { loaders }: GraphQLContext): Promise<DatasetVersion> {
    return (await loaders.datasetVersion.load(flag.versionId))!;
  }
}

@Resolver(() => QualityCheck)
export class QualityCheckResolver {
  @FieldResolver(() => Run, { nullable: true, description: 'The run that reported it; null when a dataset event did.' })
  run(@Root() check: QualityCheck, @Ctx() { loaders }: GraphQLContext): Promise<Run | null> {
    return check.runId ? loaders.run.load(check.runId) : Promise.resolve(null);
  }
}

@Resolver(() => QualityMetrics)
export class QualityMetricsResolver {
  @FieldResolver(() => Run, { nullable: true, description: 'The run that reported them; null when a dataset event did.' })
  run(@Root() metrics: QualityMetrics, @Ctx() { loaders }: GraphQLContext): Promise<Run | null> {
    return metrics.runId ? loaders.run.load(metrics.runId) : Promise.resolve(null);
  }
}

export function toVersionQuality(answer: VersionQualityAnswer): DatasetVersionQuality {
  return {
    versionId: answer.versionId,
    asOf: new Date(answer.asOf),
    minSeverity: answer.minSeverity as QualitySeverity,
    status: answer.status as DataQualityStatus,
    offending: isOffending(answer.status),
    flag: answer.flag ? toQualityFlag(answer.flag) : null,
    flags: answer.flags.map(toQualityFlag),
    failedChecks: answer.failedChecks.map(toQualityCheck),
    checks: answer.checks.map(toQualityCheck),
    metrics: answer.metrics ? toQualityMetrics(answer.metrics) : null,
  };
}

export function toQualityFlag(flag: StoredFlag): QualityFlag {
  return { ...flag, status: flag.status as QualityFlagStatus };
}

export function toQualityCheck(check: CheckResult): QualityCheck {
  return {
    runId: check.runId,
    assertion: check.assertion,
    name: check.name,
    column: check.column,
    success: check.success,
    severity: check.severity as QualitySeverity,
    reportedSeverity: check.reportedSeverity,
    description: check.description,
    expected: check.expected,
    actual: check.actual,
    assertedAt: new Date(check.assertedAt),
    facet: check.facet,
    counts: check.counts,
  };
}

export function toQualityMetrics(report: StoredReport): QualityMetrics {
  const columns = JSON.parse(report.columnsJson ?? '[]') as ColumnMetrics[];
  return {
    runId: report.runId,
    measuredAt: report.at,
    rowCount: report.rowCount,
    bytes: report.bytes,
    fileCount: report.fileCount,
    lastUpdated: report.lastUpdated,
    columns,
  };
}
