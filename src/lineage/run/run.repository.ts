import type { Tx } from '../../db/database';
import { fromJsonProperty } from '../../core/json-property';
import { keysetPage, keysetPagesByParent, type Page, type PageRequest, type RelatedPageKey, type SortKey } from '../../core/page';
import type { StoredDatasetVersion } from '../dataset/dataset.repository';
import type { Run } from './run.type';
import type { RunState } from '../../core/vocabulary';

const RUN = (v: string) => `${v} { .id, .runId, .state, .startedAt, .endedAt, .parametersJson, .errorMessage, .jobId, .facetsJson, kind: 'Run' }`;
const VERSION = (v: string) =>
  `${v} { .id, .datasetId, .namespace, .name, .version, .digest, .uri, .schemaJson, .rowCount, .createdAt, .facetsJson, kind: 'DatasetVersion' }`;
/** Newest first; runs known only as parents have no times and sort last. */
const RUN_ORDER: SortKey[] = [
  { expression: 'coalesce(n.startedAt, n.endedAt, datetime({epochMillis: 0}))', descending: true, temporal: true },
  { expression: 'n.id', descending: true },
];

export interface StoredRun extends Omit<Run, 'parameters'> {
  parametersJson: string | null;
}

export function toRun(stored: StoredRun): Run {
  const { parametersJson, ...rest } = stored;
  return { ...rest, parameters: fromJsonProperty<Record<string, unknown>>(parametersJson) };
}

export class RunRepository {
  async findByIds(tx: Tx, ids: readonly string[]): Promise<Map<string, StoredRun>> {
    const rows = await tx.rows<{ run: StoredRun }>(
      // Runs by global id.
      `UNWIND $ids AS id MATCH (n:Run {id: id}) RETURN ${RUN('n')} AS run`,
      { ids },
    );
    return new Map(rows.map((row) => [row.run.id, row.run]));
  }

  /** The run that wrote each version, keyed by version id. */
  async producersOf(tx: Tx, versionIds: readonly string[]): Promise<Map<string, StoredRun>> {
    const rows = await tx.rows<{ versionId: string; run: StoredRun }>(
      `UNWIND $versionIds AS versionId
       MATCH (n:Run)-[:WROTE]->(:DatasetVersion {id: versionId})
       RETURN versionId, ${RUN('n')} AS run`,
      { versionIds },
    );
    return new Map(rows.map((row) => [row.versionId, row.run]));
  }

  /** The versions each run read (direction 'READ') or wrote ('WROTE'), keyed by run id. */
  async datasetVersionsOf(tx: Tx, runIds: readonly string[], direction: 'READ' | 'WROTE'): Promise<Map<string, StoredDatasetVersion[]>> {
    const relationship = direction === 'READ' ? 'READ' : 'WROTE';
    const rows = await tx.rows<{ runId: string; versions: StoredDatasetVersion[] }>(
      `UNWIND $runIds AS runId
       MATCH (:Run {id: runId})-[:${relationship}]->(n:DatasetVersion)
       WITH runId, n ORDER BY n.namespace, n.name, n.version
       RETURN runId, collect(${VERSION('n')}) AS versions`,
      { runIds },
    );
    return new Map(rows.map((row) => [row.runId, row.versions]));
  }

  /** The commit each run executed, keyed by run id. */
  async commitIdsOf(tx: Tx, runIds: readonly string[]): Promise<Map<string, string>> {
    const rows = await tx.rows<{ runId: string; commitId: string }>(
      `UNWIND $runIds AS runId
       MATCH (:Run {id: runId})-[:RAN_CODE]->(c:Commit)
       RETURN runId, c.id AS commitId`,
      { runIds },
    );
    return new Map(rows.map((row) => [row.runId, row.commitId]));
  }

  /** The parent of each run, keyed by run id. */
  async parentsOf(tx: Tx, runIds: readonly string[]): Promise<Map<string, StoredRun>> {
    const rows = await tx.rows<{ runId: string; run: StoredRun }>(
      `UNWIND $runIds AS runId
       MATCH (:Run {id: runId})-[:CHILD_OF]->(n:Run)
       RETURN runId, ${RUN('n')} AS run`,
      { runIds },
    );
    return new Map(rows.map((row) => [row.runId, row.run]));
  }

  /** Runs of each job, newest first. */
  runPagesOfJobs(tx: Tx, keys: readonly RelatedPageKey[]): Promise<Page<StoredRun>[]> {
    return keysetPagesByParent<StoredRun>(
      tx,
      { parentLabel: 'Job', match: 'MATCH (n:Run)-[:RUN_OF]->(p) WHERE true', projection: RUN('n'), sortKeys: RUN_ORDER },
      keys,
    );
  }

  /** Runs that executed each commit, newest first. */
  runPagesOfCommits(tx: Tx, keys: readonly RelatedPageKey[]): Promise<Page<StoredRun>[]> {
    return keysetPagesByParent<StoredRun>(
      tx,
      { parentLabel: 'Commit', match: 'MATCH (n:Run)-[:RAN_CODE]->(p) WHERE true', projection: RUN('n'), sortKeys: RUN_ORDER },
      keys,
    );
  }

  /** Runs that read each dataset version, newest first. */
  consumerPages(tx: Tx, keys: readonly RelatedPageKey[]): Promise<Page<StoredRun>[]> {
    return keysetPagesByParent<StoredRun>(
      tx,
      { parentLabel: 'DatasetVersion', match: 'MATCH (n:Run)-[:READ]->(p) WHERE true', projection: RUN('n'), sortKeys: RUN_ORDER },
      keys,
    );
  }

  /** Runs started by each run, newest first. */
  childPages(tx: Tx, keys: readonly RelatedPageKey[]): Promise<Page<StoredRun>[]> {
    return keysetPagesByParent<StoredRun>(
      tx,
      { parentLabel: 'Run', match: 'MATCH (n:Run)-[:CHILD_OF]->(p) WHERE true', projection: RUN('n'), sortKeys: RUN_ORDER },
      keys,
    );
  }

  /** Runs, optionally of one job and in one state; newest first. */
  list(tx: Tx, filter: { jobId: string | null; state: RunState | null }, request: PageRequest): Promise<Page<StoredRun>> {
    const conditions = ['true'];
    if (filter.jobId !== null) conditions.push('n.jobId = $jobId');
    if (filter.state !== null) conditions.push('n.state = $state');
    return keysetPage<StoredRun>(
      tx,
      { match: `MATCH (n:Run) WHERE ${conditions.join(' AND ')}`, projection: RUN('n'), sortKeys: RUN_ORDER, params: { ...filter } },
      request,
    );
  }
}
