import type { Database } from '../../db/database';
import type { Limits } from '../../limits';
import { normalizeCommit } from '../../core/commit/commit.normalize';
import { normalizeRepository } from '../../core/ids';
import { inKeyOrder } from '../../core/key-order';
import { mapPage, pageRequest, type Page } from '../../core/page';
import { optionalName, INPUT_LIMITS } from '../../core/validate';
import { RunRepository, toRun } from '../run/run.repository';
import type { Run } from '../run/run.type';
import { CommitRepository } from './commit.repository';
import type { Commit } from './commit.type';

export class CommitService {
  constructor(
    private readonly db: Database,
    private readonly limits: Limits,
    private readonly commits = new CommitRepository(),
    private readonly runs = new RunRepository(),
  ) {}

  findByIds(commitIds: readonly string[]): Promise<Array<Commit | null>> {
    return this.db.read('commitsByIds', async (tx) => inKeyOrder(commitIds, await this.commits.findByIds(tx, commitIds)));
  }

  async findByKey(repository: string, sha: string): Promise<Commit | null> {
    const commit = normalizeCommit('commit', { repository, sha });
    const [found] = await this.findByIds([commit.id]);
    return found ?? null;
  }

  runPages(keys: ReadonlyArray<{ commitId: string; first?: number | null; after?: string | null }>): Promise<Page<Run>[]> {
    const requests = keys.map((key) => ({ parentId: key.commitId, request: pageRequest(key.first, key.after, this.limits.page) }));
    return this.db.read('commitRunPages', async (tx) => (await this.runs.runPagesOfCommits(tx, requests)).map((page) => mapPage(page, toRun)));
  }

  list(filter: { repository?: string | null; shaPrefix?: string | null }, first?: number | null, after?: string | null): Promise<Page<Commit>> {
    const repository = optionalName('repository', filter.repository, INPUT_LIMITS.uri);
    const shaPrefix = optionalName('shaPrefix', filter.shaPrefix, 64);
    const request = pageRequest(first, after, this.limits.page);
    return this.db.read('listCommits', (tx) =>
      this.commits.list(tx, { repository: repository === null ? null : normalizeRepository(repository), shaPrefix: shaPrefix?.toLowerCase() ?? null }, request),
    );
  }
}
