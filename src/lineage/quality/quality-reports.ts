import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json';
import type { StoredFacets } from '../../core/facets';
import type { FacetValues, LineageChange } from '../../core/recording/lineage-change.types';
import type { LineageState, RunSnapshot } from '../../core/recording/lineage-state';
import { assertionsOf, checkKey, DATASET_QUALITY_FACETS, failedRank, metricsOf, QUALITY_FACETS, testsOf, type AssertionRecord } from './quality-facets';

/**
 * Quality reports: what one run (or a dataset event, with no run) said about one dataset version in one quality
 * facet. They are derived from the changes a transaction recorded and from the state the recorder left, and
 * written in the same transaction (quality-recording.hook.ts). Like facets (common/facets.ts), a report is an
 * observation: per report the value of the latest event wins, by event time, ties broken by the value's
 * canonical JSON, so the same events give the same reports in any order and a redelivered event changes nothing.
 *
 * Where the results come from, and which version they are about:
 * - a run's input facets (`inputFacets`, the spec's place): the version the run read;
 * - a run's input's dataset facets (dbt puts `dataQualityAssertions` there): the version the run read;
 * - an output's dataset facets (a writer measuring what it wrote): the version written;
 * - the run facet `test` (TestRunFacet), which names no dataset: every version the run read, since a test run
 *   (dbt test, a validation job) reads what it tests;
 * - a DatasetEvent or JobEvent naming a version: that version, with no run (each event is a report of its own).
 * A version the event did not name is the one the recorder chose for the read (the version current at the run's
 * read time); the report follows the read if that choice is made again (a START arriving after its COMPLETE).
 */

export type ReportPlacement = 'INPUT' | 'DATASET' | 'RUN';

export interface QualityReportWrite {
  id: string;
  /** Event time of the event that reported it. */
  at: string;
  /** Canonical JSON of the facet value: breaks ties between two reports of the same instant. */
  valueJson: string;
  properties: QualityReportProperties;
}

export interface QualityReportProperties {
  kind: 'ASSERTIONS' | 'METRICS';
  /** Global id of the run that reported it; null for a dataset event. */
  runId: string | null;
  /** The version id, or `implicit:<dataset id>` when the run did not name the version it read. */
  readKey: string;
  versionId: string;
  datasetId: string;
  /** The dataset's namespace (removals by namespace take the reports with the versions). */
  namespace: string;
  placement: ReportPlacement;
  facet: string;
  assertionsJson: string | null;
  assertionCount: number;
  failedCount: number;
  /** Highest severity rank of a failed check (0: none failed), for "failed at or above a severity". */
  failedRank: number;
  /** checkKey of each failed check, to tell newly failing checks from known ones. */
  failedKeys: string[];
  rowCount: number | null;
  bytes: number | null;
  fileCount: number | null;
  lastUpdated: string | null;
  columnsJson: string | null;
}

/** A read the recorder chose again: reports about it follow it to the version now read. */
export interface ReadMove {
  runId: string;
  readKey: string;
  versionId: string;
}

export interface DerivedReports {
  reports: QualityReportWrite[];
  moves: ReadMove[];
}

export function qualityReportsOf(changes: readonly LineageChange[], recorded: readonly boolean[], state: LineageState): DerivedReports {
  const reports = new Map<string, QualityReportWrite>();
  const keep = (report: QualityReportWrite | null) => {
    if (!report) return;
    const current = reports.get(report.id);
    if (!current || newer(report, current)) reports.set(report.id, report);
  };
  const touchedRuns = new Set<string>();
  changes.forEach((change, index) => {
    if (!recorded[index]) return;
    if (change.kind === 'run') {
      touchedRuns.add(change.id);
      const run = state.peek('run', change.id);
      if (!run) return;
      for (const input of change.inputs) {
        if (!hasQualityFacet(input.facets)) continue;
        const versionId = input.version?.id ?? implicitRead(run, input.dataset.id);
        if (!versionId) continue;
        const readKey = input.version ? versionId : implicitKey(input.dataset.id);
        for (const [facet, value] of qualityFacets(input.facets)) keep(report(state, run.id, readKey, versionId, 'DATASET', facet, value, change.at));
      }
      for (const output of change.outputs) {
        for (const [facet, value] of qualityFacets(output.facets)) keep(report(state, run.id, output.id, output.id, 'DATASET', facet, value, change.at));
      }
    } else if (change.kind === 'job' || change.kind === 'dataset') {
      // Registrations and deployments carry no facets, so no quality report.
      for (const mention of change.kind === 'job' ? change.datasets : [change.dataset]) {
        if (!mention.version) continue;
        const id = mention.version.id;
        for (const [facet, value] of qualityFacets(mention.facets)) keep(report(state, null, id, id, 'DATASET', facet, value, change.at));
      }
    }
  });
  const moves: ReadMove[] = [];
  for (const runId of touchedRuns) {
    const run = state.peek('run', runId);
    if (!run) continue;
    const test = run.facets && Object.hasOwn(run.facets, QUALITY_FACETS.test) ? run.facets[QUALITY_FACETS.test]! : null;
    const before = state.loaded.get('run', runId) ?? null;
    for (const [versionId, edge] of run.reads) {
      const readKey = edge.implicit ? implicitKey(edge.datasetId) : versionId;
      // Only a read chosen again in this transaction can have reports about another version.
      if (edge.implicit && before && !before.reads.has(versionId) && implicitRead(before, edge.datasetId) !== null) moves.push({ runId, readKey, versionId });
      for (const [facet, stored] of storedQualityFacets(edge.ioFacets)) keep(report(state, runId, readKey, versionId, 'INPUT', facet, stored.value, stored.at));
      if (test) keep(report(state, runId, readKey, versionId, 'RUN', QUALITY_FACETS.test, test.value, test.at));
    }
  }
  return { reports: [...reports.values()].sort((a, b) => (a.id < b.id ? -1 : 1)), moves };
}

export function implicitKey(datasetId: string): string {
  return `implicit:${datasetId}`;
}

/**
 * Reports are not nodes of the lineage graph; their ids only need to be stable and distinct. A run's later events
 * replace what its earlier ones reported (a run reports its final result); dataset events have no run, so each
 * is a report of its own (checks made on different days are different results, all kept).
 */
export function reportId(runId: string | null, readKey: string, placement: ReportPlacement, facet: string, at: string): string {
  const digest = createHash('sha256')
    .update([runId ?? `event@${at}`, readKey, placement, facet].join('\u0000'))
    .digest('base64url');
  return `QualityReport:${digest.slice(0, 22)}`;
}

function report(
  state: LineageState,
  runId: string | null,
  readKey: string,
  versionId: string,
  placement: ReportPlacement,
  facet: string,
  value: unknown,
  at: string,
): QualityReportWrite | null {
  const version = state.peek('version', versionId);
  if (!version) return null;
  const assertions: AssertionRecord[] | null = facet === QUALITY_FACETS.test ? testsOf(value) : assertionsOf(facet, value);
  const metrics = assertions === null ? metricsOf(value) : null;
  const failed = (assertions ?? []).filter((a) => !a.success);
  return {
    id: reportId(runId, readKey, placement, facet, at),
    at,
    valueJson: canonicalJson(value),
    properties: {
      kind: assertions === null ? 'METRICS' : 'ASSERTIONS',
      runId,
      readKey,
      versionId,
      datasetId: version.datasetId,
      namespace: version.namespace,
      placement,
      facet,
      assertionsJson: assertions === null ? null : JSON.stringify(assertions),
      assertionCount: assertions?.length ?? 0,
      failedCount: failed.length,
      failedRank: failedRank(assertions ?? []),
      failedKeys: [...new Set(failed.map(checkKey))].sort(),
      rowCount: metrics?.rowCount ?? null,
      bytes: metrics?.bytes ?? null,
      fileCount: metrics?.fileCount ?? null,
      lastUpdated: metrics?.lastUpdated ?? null,
      columnsJson: metrics ? JSON.stringify(metrics.columns) : null,
    },
  };
}

function newer(candidate: QualityReportWrite, current: QualityReportWrite): boolean {
  if (candidate.at !== current.at) return candidate.at > current.at;
  return candidate.valueJson > current.valueJson;
}

function hasQualityFacet(facets: FacetValues | null): boolean {
  return qualityFacets(facets).length > 0;
}

function qualityFacets(facets: FacetValues | null): Array<[string, unknown]> {
  if (!facets) return [];
  return DATASET_QUALITY_FACETS.flatMap((name) => (Object.hasOwn(facets, name) && facets[name] != null ? [[name, facets[name]] as [string, unknown]] : []));
}

function storedQualityFacets(facets: StoredFacets | null): Array<[string, { at: string; value: unknown }]> {
  if (!facets) return [];
  return DATASET_QUALITY_FACETS.flatMap((name) => (Object.hasOwn(facets, name) ? [[name, facets[name]!] as [string, { at: string; value: unknown }]] : []));
}

/** The version a run reads of a dataset it did not name a version of. */
function implicitRead(run: RunSnapshot, datasetId: string): string | null {
  for (const [versionId, edge] of run.reads) if (edge.datasetId === datasetId && edge.implicit) return versionId;
  for (const [versionId, edge] of run.reads) if (edge.datasetId === datasetId) return versionId;
  return null;
}
