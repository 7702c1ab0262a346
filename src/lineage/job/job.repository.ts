import type { Tx } from '../../db/database';
import { keysetPage, type Page, type PageRequest } from '../common/page';
import type { Job } from './job.type';

const JOB = (v: string) => `${v} { .id, .namespace, .name, .description, .createdAt, kind: 'Job' }`;

export interface JobWrite {
  id: string;
  namespace: string;
  name: string;
  description: string | null;
  at: string;
}

export class JobRepository {
  async findByIds(tx: Tx, ids: readonly string[]): Promise<Map<string, Job>> {
    const rows = await tx.rows<{ job: Job }>(
      // Jobs by global id.
      `UNWIND $ids AS id MATCH (n:Job {id: id}) RETURN ${JOB('n')} AS job`,
      { ids },
    );
    return new Map(rows.map((row) => [row.job.id, row.job]));
  }

  /** Creates missing jobs; replaces descriptions that are given. Returns the descriptions recorded before. */
  async upsert(tx: Tx, jobs: readonly JobWrite[]): Promise<Map<string, { created: boolean; previousDescription: string | null }>> {
    const rows = await tx.rows<{ id: string; created: boolean; previousDescription: string | null }>(
      // Merge each job on its id; the description is the one mutable property.
      `UNWIND $jobs AS input
       OPTIONAL MATCH (existing:Job {id: input.id})
       WITH input, existing IS NULL AS created, existing.description AS previousDescription
       MERGE (j:Job {id: input.id})
         ON CREATE SET j.namespace = input.namespace, j.name = input.name, j.createdAt = datetime(input.at), j.recordedAt = datetime()
       SET j.description = coalesce(input.description, j.description)
       RETURN j.id AS id, created, previousDescription`,
      { jobs },
    );
    return new Map(rows.map((row) => [row.id, { created: row.created, previousDescription: row.previousDescription }]));
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
