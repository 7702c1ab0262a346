import type { Tx } from '../../db/database';
import type { Notice, NoticeOutbox } from '../../core/notices';
import type { LineageState } from '../../core/recording/lineage-state';
import type { LineageWriteHook, RecordedBatch } from '../../core/recording/lineage-write-hook';
import { checkKey, SEVERITY_RANK, type AssertionRecord } from './quality-facets';
import { qualityReportsOf, type QualityReportWrite } from './quality-reports';
import { QualityRepository, type AppliedReport } from './quality.repository';

/**
 * The recorder's data quality hook: in the transaction that recorded the events, writes the quality reports
 * they carry (quality-reports.ts) and, for every check that fails where it did not fail before, a
 * QUALITY_CHECK_FAILED notice for the webhooks. A transaction whose events carry no quality facet costs nothing.
 */
export class QualityRecordingHook implements LineageWriteHook {
  constructor(
    private readonly notices: NoticeOutbox,
    private readonly quality = new QualityRepository(),
  ) {}

  async afterWrite(tx: Tx, batch: RecordedBatch): Promise<void> {
    const { reports, moves } = qualityReportsOf(batch.changes, batch.recorded, batch.state);
    if (reports.length === 0 && moves.length === 0) return;
    const applied = await this.quality.writeReports(tx, reports, moves);
    await this.notices.enqueue(tx, newlyFailed(reports, applied, batch.state));
  }
}

/** A notice per written report with a failed check that the report it replaced did not have failed. */
function newlyFailed(reports: readonly QualityReportWrite[], applied: readonly AppliedReport[], state: LineageState): Notice[] {
  const byId = new Map(reports.map((report) => [report.id, report]));
  return applied.flatMap(({ id, failedBefore }) => {
    const report = byId.get(id);
    if (!report || report.properties.failedCount === 0) return [];
    const known = new Set(failedBefore);
    const assertions = JSON.parse(report.properties.assertionsJson ?? '[]') as AssertionRecord[];
    const failed = assertions.filter((assertion) => !assertion.success && !known.has(checkKey(assertion)));
    if (failed.length === 0) return [];
    const version = state.peek('version', report.properties.versionId);
    const run = report.properties.runId ? state.peek('run', report.properties.runId) : null;
    const job = run?.jobId ? state.peek('job', run.jobId) : null;
    const rank = Math.max(...failed.map((assertion) => SEVERITY_RANK[assertion.severity]));
    return [
      {
        type: 'QUALITY_CHECK_FAILED' as const,
        at: report.at,
        datasetVersionId: report.properties.versionId,
        severityRank: rank,
        details: {
          datasetVersion: version ? { namespace: version.namespace, name: version.name, version: version.version } : null,
          run: run ? { runId: run.runId, job: job ? { namespace: job.namespace, name: job.name } : null } : null,
          facet: report.properties.facet,
          failedChecks: failed,
        },
      },
    ];
  });
}
