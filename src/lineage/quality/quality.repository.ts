import type { Tx } from '../../db/database';
import { flagProjection, type StoredFlag } from '../../core/quality/flag.label';
import type { QualityReportWrite, ReadMove } from './quality-reports';

export type { StoredFlag } from '../../core/quality/flag.label';

/**
 * Quality reports and flags in the graph:
 *
 *   (:Run)-[:REPORTED]->(:QualityReport {kind, facet, placement, at, …})-[:ON]->(:DatasetVersion)
 *   (:QualityFlag {status, reason, flaggedAt, flaggedBy})-[:FLAGS]->(:DatasetVersion)   (core/quality/flag.label.ts; written by the recorder)
 *
 * Neither relationship type is lineage (lineage-steps.ts names the lineage ones), so no traversal crosses them.
 */

export interface StoredReport {
  id: string;
  kind: 'ASSERTIONS' | 'METRICS';
  runId: string | null;
  versionId: string;
  placement: string;
  facet: string;
  at: Date;
  assertionsJson: string | null;
  failedRank: number;
  rowCount: number | null;
  bytes: number | null;
  fileCount: number | null;
  lastUpdated: string | null;
  columnsJson: string | null;
}

/** A report as applied by a write: created, or replacing an older one (whose failed checks were `failedBefore`). */
export interface AppliedReport {
  id: string;
  created: boolean;
  failedBefore: string[];
}

const REPORT = (q: string) =>
  `${q} { .id, .kind, .runId, .versionId, .placement, .facet, .at, .assertionsJson, .failedRank, .rowCount, .bytes, .fileCount, .lastUpdated, .columnsJson }`;

export class QualityRepository {
  /**
   * Writes reports in one statement: reads chosen again first move their reports; then each report is created,
   * or replaces the stored one if it is newer (event time, then canonical JSON), else is left as it is.
   * Returns the reports that were written.
   */
  async writeReports(tx: Tx, reports: readonly QualityReportWrite[], moves: readonly ReadMove[]): Promise<AppliedReport[]> {
    const [row] = await tx.rows<{ applied: AppliedReport[] }>(
      `CALL () {
         UNWIND $quality.moves AS move
         MATCH (q:QualityReport {runId: move.runId, readKey: move.readKey}) WHERE q.versionId <> move.versionId
         SET q.versionId = move.versionId
         WITH q, move
         OPTIONAL MATCH (q)-[old:ON]->(:DatasetVersion)
         DELETE old
         WITH DISTINCT q, move
         MATCH (v:DatasetVersion {id: move.versionId})
         MERGE (q)-[:ON]->(v)
       }
       CALL () {
         UNWIND $quality.reports AS row
         MERGE (q:QualityReport {id: row.id})
         WITH q, row, q.at IS NULL AS created, coalesce(q.failedKeys, []) AS failedBefore, q.versionId AS versionBefore
         WHERE created OR datetime(row.at) > q.at OR (datetime(row.at) = q.at AND row.valueJson > q.valueJson)
         SET q += row.properties, q.at = datetime(row.at), q.valueJson = row.valueJson, q.recordedAt = coalesce(q.recordedAt, datetime())
         WITH q, row, created, failedBefore, versionBefore
         CALL (q, row, versionBefore) {
           WITH q, row, versionBefore WHERE versionBefore IS NULL OR versionBefore <> row.properties.versionId
           OPTIONAL MATCH (q)-[old:ON]->(:DatasetVersion)
           DELETE old
           WITH DISTINCT q, row
           MATCH (v:DatasetVersion {id: row.properties.versionId})
           MERGE (q)-[:ON]->(v)
         }
         CALL (q, row, created) {
           WITH q, row, created WHERE created AND row.properties.runId IS NOT NULL
           MATCH (r:Run {id: row.properties.runId})
           MERGE (r)-[:REPORTED]->(q)
         }
         RETURN collect({ id: row.id, created: created, failedBefore: failedBefore }) AS applied
       }
       RETURN applied`,
      { quality: { reports, moves } },
    );
    return row?.applied ?? [];
  }

  /** Reports on each version made at or before the instant, newest first. */
  async reportsOn(tx: Tx, versionIds: readonly string[], asOf: string): Promise<Map<string, StoredReport[]>> {
    const rows = await tx.rows<{ versionId: string; reports: StoredReport[] }>(
      // The reports ON each version, as they stood at the instant (a report's time is its event's).
      `UNWIND $versionIds AS versionId
       MATCH (:DatasetVersion {id: versionId})<-[:ON]-(q:QualityReport) WHERE q.at <= datetime($asOf)
       WITH versionId, q ORDER BY q.at DESC, q.id
       RETURN versionId, collect(${REPORT('q')}) AS reports`,
      { versionIds, asOf },
    );
    return new Map(rows.map((row) => [row.versionId, row.reports]));
  }

  /** Every flag of each version, newest first (flags made after `asOf` are left out when it is given). */
  async flagsOn(tx: Tx, versionIds: readonly string[], asOf: string | null): Promise<Map<string, StoredFlag[]>> {
    const rows = await tx.rows<{ versionId: string; flags: StoredFlag[] }>(
      `UNWIND $versionIds AS versionId
       MATCH (:DatasetVersion {id: versionId})<-[:FLAGS]-(f:QualityFlag) WHERE $asOf IS NULL OR f.flaggedAt <= datetime($asOf)
       WITH versionId, f ORDER BY f.flaggedAt DESC, f.id
       RETURN versionId, collect(${flagProjection('f')}) AS flags`,
      { versionIds, asOf },
    );
    return new Map(rows.map((row) => [row.versionId, row.flags]));
  }
}
