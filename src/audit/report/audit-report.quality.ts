import type { QualityAssessmentService } from '../../lineage/quality/quality-assessment.service';
import type { QualityService } from '../../lineage/quality/quality.service';
import type { StalenessService } from '../../lineage/quality/staleness.service';
import type { RunService } from '../../lineage/run/run.service';

/**
 * The data quality section of an audit report: whether the subject stood on bad data at the instant (offending
 * versions, failed checks, the path to each), the checks and flags on every dataset version of its provenance,
 * and how stale its training data was. Everything is as recorded by the instant and in a fixed order, so the
 * section, like the rest of the report, is the same bytes for the same instant.
 */

export interface ReportCheck {
  /** `assertion`, with the check's name and column when it has them. */
  check: string;
  severity: string;
  assertedAt: string;
  /** The OpenLineage run id of the run that reported it; null for a dataset event. */
  runId: string | null;
}

export interface ReportFlag {
  datasetVersion: string;
  status: string;
  reason: string;
  flaggedAt: string;
  flaggedBy: string;
}

export interface ReportDataQuality {
  minSeverity: string;
  atRisk: boolean;
  truncated: boolean;
  offending: Array<{
    datasetVersion: string;
    id: string;
    status: string;
    flag: Omit<ReportFlag, 'datasetVersion'> | null;
    failedChecks: ReportCheck[];
    path: string[];
  }>;
  /** Every dataset version of the provenance with a check or a flag recorded by the instant. */
  checkedVersions: Array<{ datasetVersion: string; id: string; status: string; checks: number; failed: number; lastCheckedAt: string | null }>;
  /** Flags on those versions made by the instant, oldest first. */
  flags: ReportFlag[];
  staleness: {
    trainingDataCreatedAt: string | null;
    trainingDataAgeSeconds: number | null;
    newerVersions: number;
    sources: Array<{
      dataset: string;
      trainedOn: string;
      newerVersions: number;
      newest: string | null;
      newerBySeconds: number | null;
      trainedOnRowCount: number | null;
      newestRowCount: number | null;
      rowCountDrift: number | null;
      rowCountDriftRatio: number | null;
    }>;
  } | null;
}

export interface QualitySources {
  quality: QualityService;
  qualityAssessment: QualityAssessmentService;
  staleness: StalenessService;
  runs: RunService;
}

const MIN_SEVERITY = 'WARN';

/** `versions` are the dataset versions of the report's provenance, with the labels the report gives them. */
export async function dataQualitySection(
  sources: QualitySources,
  subjectId: string,
  asOf: string,
  versions: ReadonlyArray<{ id: string; label: string }>,
  maxNodes: number,
): Promise<ReportDataQuality> {
  const [{ byId, set }, qualities, [staleness]] = await Promise.all([
    sources.qualityAssessment.assess([subjectId], { asOf, minSeverity: MIN_SEVERITY, maxNodes }),
    sources.quality.versionQuality(versions.map((version) => ({ versionId: version.id, asOf, minSeverity: MIN_SEVERITY }))),
    sources.staleness.of([subjectId], asOf),
  ]);
  const assessment = byId.get(subjectId);
  const label = new Map(versions.map((version) => [version.id, version.label]));
  const runIds = [
    ...new Set(
      [...qualities.flatMap((quality) => quality.checks), ...(assessment?.offending.flatMap((o) => o.quality.failedChecks) ?? [])].flatMap((check) =>
        check.runId ? [check.runId] : [],
      ),
    ),
  ];
  const runs = await sources.runs.findByIds(runIds);
  const openLineageRunId = new Map(runs.flatMap((run) => (run ? [[run.id, run.runId] as const] : [])));
  const check = (c: {
    assertion: string;
    name: string | null;
    column: string | null;
    severity: string;
    assertedAt: string;
    runId: string | null;
  }): ReportCheck => ({
    check: `${c.assertion}${c.name && c.name !== c.assertion ? ` (${c.name})` : ''}${c.column ? ` on ${c.column}` : ''}`,
    severity: c.severity,
    assertedAt: c.assertedAt,
    runId: c.runId ? (openLineageRunId.get(c.runId) ?? c.runId) : null,
  });
  const byCheck = (a: ReportCheck, b: ReportCheck) => compare(`${a.assertedAt}\u0000${a.check}`, `${b.assertedAt}\u0000${b.check}`);
  const flagOf = (f: { status: string; reason: string; flaggedAt: Date; flaggedBy: string }) => ({
    status: f.status,
    reason: f.reason,
    flaggedAt: f.flaggedAt.toISOString(),
    flaggedBy: f.flaggedBy,
  });
  const labelOf = (id: string, fallback: string) => label.get(id) ?? fallback;

  return {
    minSeverity: MIN_SEVERITY,
    atRisk: (assessment?.offending.length ?? 0) > 0,
    truncated: set.cut !== null,
    offending: (assessment?.offending ?? []).map((offending) => ({
      datasetVersion: labelOf(offending.version.id, offending.version.label),
      id: offending.version.id,
      status: offending.quality.status,
      flag: offending.quality.flag ? flagOf(offending.quality.flag) : null,
      failedChecks: offending.quality.failedChecks.map(check).sort(byCheck),
      path: offending.path.nodes.map((node) => node.label),
    })),
    checkedVersions: qualities
      .filter((quality) => quality.checks.length > 0 || quality.flags.length > 0)
      .map((quality) => ({
        datasetVersion: labelOf(quality.versionId, quality.versionId),
        id: quality.versionId,
        status: quality.status,
        checks: quality.checks.length,
        failed: quality.checks.filter((c) => !c.success).length,
        lastCheckedAt:
          quality.checks
            .map((c) => c.assertedAt)
            .sort()
            .at(-1) ?? null,
      }))
      .sort((a, b) => compare(a.datasetVersion, b.datasetVersion)),
    flags: qualities
      .flatMap((quality) => quality.flags.map((f) => ({ datasetVersion: labelOf(quality.versionId, quality.versionId), ...flagOf(f) })))
      .sort((a, b) => compare(`${a.flaggedAt}\u0000${a.datasetVersion}`, `${b.flaggedAt}\u0000${b.datasetVersion}`)),
    staleness: staleness
      ? {
          trainingDataCreatedAt: staleness.trainingDataCreatedAt,
          trainingDataAgeSeconds: staleness.trainingDataAgeSeconds,
          newerVersions: staleness.newerVersions,
          sources: staleness.sources.map((source) => ({
            dataset: `${source.dataset.namespace}/${source.dataset.name}`,
            trainedOn: source.trainedOn.version,
            newerVersions: source.newerVersions,
            newest: source.newest?.version ?? null,
            newerBySeconds: source.newerBySeconds,
            trainedOnRowCount: source.trainedOnRowCount,
            newestRowCount: source.newestRowCount,
            rowCountDrift: source.rowCountDrift,
            rowCountDriftRatio: source.rowCountDriftRatio,
          })),
        }
      : null,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
