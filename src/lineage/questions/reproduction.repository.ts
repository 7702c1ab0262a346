import type { Tx } from '../../db/database';

export class ReproductionRepository {
  /** The recorded parameters (a JSON string) of each run, keyed by run id. */
  async parametersOf(tx: Tx, runIds: readonly string[]): Promise<Map<string, string | null>> {
    const rows = await tx.rows<{ id: string; parametersJson: string | null }>(
      `UNWIND $runIds AS id MATCH (r:Run {id: id}) RETURN id, r.parametersJson AS parametersJson`,
      { runIds },
    );
    return new Map(rows.map((row) => [row.id, row.parametersJson]));
  }
}
