import type { Tx } from '../../db/database';
import { keysetPage, type Page, type PageRequest } from '../../core/page';
import type { Job } from './job.type';

const JOB = (v: string) => `${v} { .id, .namespace, .name, .description, .createdAt, .facetsJson, kind: 'Job' }`;

export class JobRepository {
  async findByIds(tx: Tx, ids: readonly string[]): Promise<Map<string, Job>> {
    const rows = await tx.rows<{ job: Job }>(
      // Jobs by global id.
      `UNWIND $ids AS id MATCH (n:Job {id: id}) RETURN ${JOB('n')} AS job`,
      { ids },
    );
    return new Map(rows.map((row) => [row.job.id, row.job]));
  }

  /** Jobs filtered by namespace and name prefix, by namespace then name. */
  list(tx: Tx, filter: { namespace: string | null; namePrefix: string | null }, request: PageRequest): Promise<Page<Job>> {
    const conditions = ['true'];
    if (filter.namespace !== null) conditions.push('n.namespace = $namespace');
    if (filter.namePrefix !== null) conditions.push('n.name STARTS WITH $namePrefix');
    return keysetPage<Job>(
      tx,
      {
        match: `MATCH (n:Job) WHERE ${conditions.join(' AND ')}`,
        projection: JOB('n'),
        sortKeys: [{ expression: 'n.namespace' }, { expression: 'n.name' }],
        params: { ...filter },
      },
      request,
    );
  }
}
