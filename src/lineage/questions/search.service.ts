import type { Database } from '../../db/database';
import { BadInputError } from '../../errors';
import { present } from './lineage-node';
import type { LineageNode } from './lineage.type';
import { toSearchQuery } from './search-query';
import { SearchRepository } from './search.repository';
import type { SearchHit } from './search.type';
import { boundedArgument } from './traversal-limits';
import { TraversalRepository } from './traversal.repository';
import type { NodeKind } from '../../core/vocabulary';

/** What search finds: the named things. Versions, runs and their lineage are reached from these. */
export const SEARCHABLE_KINDS: readonly NodeKind[] = ['Dataset', 'Job', 'Model', 'Deployment', 'Commit'];

export interface SearchArguments {
  query: string;
  kinds?: readonly NodeKind[] | null;
  first?: number | null;
}

export class SearchService {
  constructor(
    private readonly db: Database,
    private readonly searches = new SearchRepository(),
    private readonly traversals = new TraversalRepository(),
  ) {}

  /** Datasets, jobs, models, deployments and commits by name, namespace or SHA prefix, best first. */
  search(input: SearchArguments): Promise<SearchHit[]> {
    const query = toSearchQuery(input.query);
    const first = boundedArgument('first', input.first, 'DEFAULT_SEARCH_RESULTS', 'MAX_SEARCH_RESULTS');
    const kinds = input.kinds ?? SEARCHABLE_KINDS;
    const unsearchable = kinds.filter((kind) => !SEARCHABLE_KINDS.includes(kind));
    if (unsearchable.length > 0) throw new BadInputError('kinds', `search finds ${SEARCHABLE_KINDS.join(', ')}; not ${unsearchable.join(', ')}`);
    const asOf = new Date();
    return this.db.read('search', async (tx) => {
      // Candidates beyond `first`, so that re-ranking by exact and prefix match can lift a name Lucene scored lower.
      const rows = await this.searches.search(tx, { ...query, kinds, first, candidates: Math.max(first * 5, 100) });
      const described = await this.traversals.describe(
        tx,
        rows.map((row) => ({ id: row.id, kind: row.kind, up: true, down: true, source: false })),
        [],
        asOf.toISOString(),
      );
      return rows.map((row): SearchHit => {
        const description = described.get(row.id);
        const node: LineageNode = {
          id: row.id,
          kind: row.kind,
          ...present(row.kind, description?.props ?? {}, asOf),
          isSource: false,
          depth: null,
          hasMoreUpstream: description?.moreUp === true,
          hasMoreDownstream: description?.moreDown === true,
        };
        return { score: row.score, node };
      });
    });
  }
}
