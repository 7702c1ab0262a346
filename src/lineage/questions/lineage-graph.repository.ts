import type { Tx } from '../../db/database';

export class LineageGraphRepository {
  /** Whether the graph holds any lineage node at all (migrations' bookkeeping nodes do not count). */
  async hasLineage(tx: Tx): Promise<boolean> {
    const rows = await tx.rows(`MATCH (n:Dataset|DatasetVersion|Job|Run|Commit|Model|ModelVersion|Deployment) RETURN n.id LIMIT 1`);
    return rows.length > 0;
  }
}
