import type { Tx } from '../../db/database';

/** A model version's training inputs, each with how far its dataset has moved on by the instant. */
export interface StoredStaleness {
  modelVersionId: string;
  createdAt: Date;
  trainingRun: { id: string; runId: string; startedAt: Date | null } | null;
  inputs: StoredInput[];
}

export interface StoredInput {
  id: string;
  datasetId: string;
  namespace: string;
  name: string;
  version: string;
  createdAt: Date;
  rowCount: number | null;
  metricsRowCount: number | null;
  newerVersions: number;
  newest: { id: string; version: string; createdAt: Date; rowCount: number | null; metricsRowCount: number | null } | null;
}

/** The latest row count measured for `v` by the instant (dataQualityMetrics), if any. */
const METRICS_ROW_COUNT = (v: string) =>
  `(COLLECT { MATCH (${v})<-[:ON]-(q:QualityReport {kind: 'METRICS'}) WHERE q.at <= asOf AND q.rowCount IS NOT NULL RETURN q.rowCount ORDER BY q.at DESC LIMIT 1 })[0]`;

export class StalenessRepository {
  /**
   * For each model version that existed at the instant: the run that trained it and every dataset version that
   * run read, with the number of versions of the same dataset created after it and by the instant, and the
   * newest of them. Newer versions are seeks on the (datasetId, createdAt) index.
   */
  async ofModelVersions(tx: Tx, modelVersionIds: readonly string[], asOf: string): Promise<Map<string, StoredStaleness>> {
    const rows = await tx.rows<StoredStaleness>(
      `WITH datetime($staleness.asOf) AS asOf
       UNWIND $staleness.ids AS id
       MATCH (m:ModelVersion {id: id}) WHERE m.createdAt <= asOf
       OPTIONAL MATCH (r:Run)-[:WROTE]->(m)
       RETURN m.id AS modelVersionId, m.createdAt AS createdAt,
              CASE WHEN r IS NULL THEN null ELSE r { .id, .runId, .startedAt } END AS trainingRun,
              COLLECT {
                MATCH (r)-[:READ]->(v:DatasetVersion) WHERE v.createdAt <= asOf
                RETURN v { .id, .datasetId, .namespace, .name, .version, .createdAt, .rowCount,
                  metricsRowCount: ${METRICS_ROW_COUNT('v')},
                  newerVersions: COUNT { MATCH (w:DatasetVersion) WHERE w.datasetId = v.datasetId AND w.createdAt > v.createdAt AND w.createdAt <= asOf },
                  newest: [w IN COLLECT {
                    MATCH (w:DatasetVersion) WHERE w.datasetId = v.datasetId AND w.createdAt > v.createdAt AND w.createdAt <= asOf
                    RETURN w ORDER BY w.datasetId DESC, w.createdAt DESC, w.id DESC LIMIT 1
                  } | w { .id, .version, .createdAt, .rowCount, metricsRowCount: ${METRICS_ROW_COUNT('w')} }][0] }
                ORDER BY v.namespace, v.name, v.createdAt, v.id
              } AS inputs`,
      { staleness: { ids: modelVersionIds, asOf } },
    );
    return new Map(rows.map((row) => [row.modelVersionId, row]));
  }

  /** The deployments live at the instant (in the environments given), with the model version each serves. */
  async liveDeployments(tx: Tx, asOf: string, environments: readonly string[] | null, limit: number): Promise<Array<{ id: string; modelVersionId: string }>> {
    return tx.rows(
      `MATCH (d:Deployment) WHERE d.deployedAt <= datetime($live.asOf) AND (d.retiredAt IS NULL OR datetime($live.asOf) < d.retiredAt)
         AND ($live.environments IS NULL OR d.environment IN $live.environments)
       MATCH (d)-[:SERVES]->(m:ModelVersion)
       RETURN d.id AS id, m.id AS modelVersionId ORDER BY d.environment, d.name, d.id LIMIT toInteger($live.limit)`,
      { live: { asOf, environments, limit } },
    );
  }
}
