import type { Database } from '../../db/database';
import type { Limits } from '../../limits';
import { ids } from '../../core/ids';
import { inKeyOrder } from '../../core/key-order';
import { mapPage, pageRequest, type Page } from '../../core/page';
import { optionalName, requiredName } from '../../core/validate';
import { RunRepository, toRun } from '../run/run.repository';
import type { Run } from '../run/run.type';
import { JobRepository } from './job.repository';
import type { Job } from './job.type';

export class JobService {
  constructor(
    private readonly db: Database,
    private readonly limits: Limits,
    private readonly jobs = new JobRepository(),
    private readonly runs = new RunRepository(),
  ) {}

  findByIds(jobIds: readonly string[]): Promise<Array<Job | null>> {
    return this.db.read('jobsByIds', async (tx) => inKeyOrder(jobIds, await this.jobs.findByIds(tx, jobIds)));
  }

  async findByKey(namespace: string, name: string): Promise<Job | null> {
    const [job] = await this.findByIds([ids.job(requiredName('namespace', namespace), requiredName('name', name))]);
    return job ?? null;
  }

  runPages(keys: ReadonlyArray<{ jobId: string; first?: number | null; after?: string | null }>): Promise<Page<Run>[]> {
    const requests = keys.map((key) => ({ parentId: key.jobId, request: pageRequest(key.first, key.after, this.limits.page) }));
    return this.db.read('jobRunPages', async (tx) => (await this.runs.runPagesOfJobs(tx, requests)).map((page) => mapPage(page, toRun)));
  }

  list(filter: { namespace?: string | null; namePrefix?: string | null }, first?: number | null, after?: string | null): Promise<Page<Job>> {
    const normalized = { namespace: optionalName('namespace', filter.namespace), namePrefix: optionalName('namePrefix', filter.namePrefix) };
    const request = pageRequest(first, after, this.limits.page);
    return this.db.read('listJobs', (tx) => this.jobs.list(tx, normalized, request));
  }
}
