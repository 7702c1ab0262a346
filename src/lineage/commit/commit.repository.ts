import type { Tx } from '../../db/database';
import { keysetPage, type Page, type PageRequest } from '../../core/page';
import type { Commit } from './commit.type';

const COMMIT = (v: string) => `${v} { .id, .repository, .sha, .branch, .author, .message, .committedAt, .createdAt, kind: 'Commit' }`;

export class CommitRepository {
  async findByIds(tx: Tx, ids: readonly string[]): Promise<Map<string, Commit>> {
    const rows = await tx.rows<{ commit: Commit }>(
      // Commits by global id.
      `UNWIND $ids AS id MATCH (n:Commit {id: id}) RETURN ${COMMIT('n')} AS commit`,
      { ids },
    );
    return new Map(rows.map((row) => [row.commit.id, row.commit]));
  }

  /** Commits, optionally of one repository or with a SHA prefix; newest first. */
  list(tx: Tx, filter: { repository: string | null; shaPrefix: string | null }, request: PageRequest): Promise<Page<Commit>> {
    const conditions = ['true'];
    if (filter.repository !== null) conditions.push('n.repository = $repository');
    if (filter.shaPrefix !== null) conditions.push('n.sha STARTS WITH $shaPrefix');
    return keysetPage<Commit>(
      tx,
      {
        match: `MATCH (n:Commit) WHERE ${conditions.join(' AND ')}`,
        projection: COMMIT('n'),
        sortKeys: [
          { expression: 'n.createdAt', descending: true, temporal: true },
          { expression: 'n.id', descending: true },
        ],
        params: { ...filter },
      },
      request,
    );
  }
}
