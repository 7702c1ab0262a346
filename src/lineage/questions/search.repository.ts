import type { Tx } from '../../db/database';
import type { NodeKind } from '../../core/vocabulary';

export interface SearchRow {
  id: string;
  kind: NodeKind;
  score: number;
}

export class SearchRepository {
  /**
   * Full-text candidates from the `lineage_search` index, re-ranked: the name (a commit's SHA) equal to the query
   * first, then starting with it, then containing it, then the other matches (namespace, environment, commit
   * message); within a rank by Lucene score. A deployment slot is found once, as its latest deployment (the one
   * no other succeeds); its history is reachable through `previous`.
   */
  async search(tx: Tx, query: { lucene: string; phrase: string; kinds: readonly NodeKind[]; first: number; candidates: number }): Promise<SearchRow[]> {
    return tx.rows<SearchRow>(
      `CALL db.index.fulltext.queryNodes('lineage_search', $lucene, {limit: toInteger($candidates)}) YIELD node, score
       WITH node AS n, score, [label IN labels(node) WHERE label IN $kinds][0] AS kind
       WHERE kind IS NOT NULL AND (kind <> 'Deployment' OR NOT EXISTS { MATCH (:Deployment)-[:SUCCEEDS]->(n) })
       WITH n, score, kind, toLower(CASE kind WHEN 'Commit' THEN n.sha ELSE n.name END) AS key
       WITH n, score, kind, key,
            CASE WHEN key = $phrase THEN 0 WHEN key STARTS WITH $phrase THEN 1 WHEN key CONTAINS $phrase THEN 2 ELSE 3 END AS rank
       RETURN n.id AS id, kind, score
       ORDER BY rank, score DESC, key, n.environment, n.id
       LIMIT toInteger($first)`,
      { ...query },
    );
  }
}
