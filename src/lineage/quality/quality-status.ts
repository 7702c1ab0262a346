import { SEVERITY_RANK, type AssertionRecord } from './quality-facets';
import type { StoredFlag, StoredReport } from './quality.repository';

/**
 * The data quality of one dataset version as of an instant, from what was recorded by then: its flags and the
 * reports of its checks. Pure; the same rules answer DatasetVersion.quality, atRisk and the audit report.
 *
 * - The flag in force is the latest flag made at or before the instant.
 * - A failed check counts when it failed at or above the severity asked for, and was reported after the
 *   latest CLEARED flag made by then: clearing is a person's decision about the checks known when they made
 *   it, and a check failing afterwards counts again. A later report of the same run replaces its earlier one
 *   (reports keep their latest value), so a run that re-checks and passes no longer fails; a later version of
 *   the dataset changes nothing about this one.
 * - A version is offending (puts what was made from it at risk) when its flag in force is BAD or SUSPECT, or a
 *   failed check counts.
 */

export type QualityStatus = 'BAD' | 'SUSPECT' | 'FAILED' | 'CLEARED' | 'PASSED' | 'UNCHECKED';

export interface CheckResult extends AssertionRecord {
  reportId: string;
  /** Global id of the run that reported it; null for a dataset event. */
  runId: string | null;
  facet: string;
  placement: string;
  assertedAt: string;
  /** It failed and counts toward the status (see above). */
  counts: boolean;
}

export interface VersionQuality {
  status: QualityStatus;
  flag: StoredFlag | null;
  /** Every check in the reports as of the instant, newest report first. */
  checks: CheckResult[];
  /** The failed checks that count. */
  failedChecks: CheckResult[];
  /** The latest metrics report as of the instant. */
  metrics: StoredReport | null;
}

/** `reports` and `flags` must hold only what was recorded at or before the instant, newest first. */
export function evaluateQuality(reports: readonly StoredReport[], flags: readonly StoredFlag[], minRank: number): VersionQuality {
  const flag = flags[0] ?? null;
  const clearedAt = flags.find((f) => f.status === 'CLEARED')?.flaggedAt.getTime() ?? null;
  const checks = reports
    .filter((report) => report.kind === 'ASSERTIONS')
    .flatMap((report) =>
      (JSON.parse(report.assertionsJson ?? '[]') as AssertionRecord[]).map((assertion): CheckResult => ({
        ...assertion,
        reportId: report.id,
        runId: report.runId,
        facet: report.facet,
        placement: report.placement,
        assertedAt: report.at.toISOString(),
        counts: !assertion.success && SEVERITY_RANK[assertion.severity] >= minRank && (clearedAt === null || report.at.getTime() > clearedAt),
      })),
    );
  const failedChecks = checks.filter((check) => check.counts);
  const status: QualityStatus =
    flag?.status === 'BAD' || flag?.status === 'SUSPECT'
      ? flag.status
      : failedChecks.length > 0
        ? 'FAILED'
        : flag?.status === 'CLEARED'
          ? 'CLEARED'
          : checks.length > 0
            ? 'PASSED'
            : 'UNCHECKED';
  return { status, flag, checks, failedChecks, metrics: reports.find((report) => report.kind === 'METRICS') ?? null };
}

export function isOffending(status: QualityStatus): boolean {
  return status === 'BAD' || status === 'SUSPECT' || status === 'FAILED';
}
