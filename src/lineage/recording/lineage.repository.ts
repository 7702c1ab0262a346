import type { Tx } from '../../db/database';
import { fromFacetsProperty, toFacetsProperty, type StoredFacets } from '../common/facets';
import { fromJsonProperty, toJsonProperty } from '../common/json-property';
import type { RunState } from '../run/run.type';
import {
  candidateKey,
  type CandidateKey,
  type CommitSnapshot,
  type DatasetSnapshot,
  type JobSnapshot,
  type LoadedState,
  type ModelVersionSnapshot,
  type ReadEdge,
  type RunSnapshot,
  type VersionSnapshot,
  type Wanted,
} from './lineage-state';

/**
 * Reads and writes the recorder's state in bulk: every statement is one UNWIND over all the entities of a
 * batch, so a batch of a thousand events costs a handful of statements, not thousands.
 */

const VERSION = (v: string) =>
  `${v} { .id, .datasetId, .namespace, .name, .version, .digest, .uri, .schemaJson, .rowCount, .createdAt, .createdAtFromRun, .facetsJson,
          producer: (COLLECT { MATCH (p:Run)-[:WROTE]->(${v}) RETURN p { .id, .runId } })[0] }`;

export class LineageRepository {
  /**
   * Locks the runs (creating the missing ones, marked `lockedOnly` until a change writes them) and reads them
   * with everything attached to them. Locking first means two transactions recording events of one run
   * (a START and its COMPLETE arriving together) take turns instead of overwriting each other.
   */
  async lockRuns(tx: Tx, runs: ReadonlyArray<{ id: string; runId: string }>, loaded: LoadedState): Promise<void> {
    if (runs.length === 0) return;
    const sorted = [...runs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const rows = await tx.rows<{ created: boolean; run: StoredRun; versions: StoredVersion[] }>(
      // Lock each run (a property write takes the node's write lock until commit) and read it, its edges and the versions they reach.
      `UNWIND $runs AS input
       MERGE (r:Run {id: input.id})
         ON CREATE SET r.runId = input.runId, r.lockedOnly = true
       SET r.locked = true
       REMOVE r.locked
       WITH r, r.lockedOnly IS NOT NULL AS created
       RETURN created,
              r { .id, .runId, .jobId, .state, .startedAt, .endedAt, .parametersJson, .errorMessage, .facetsJson,
                  reads: COLLECT { MATCH (r)-[e:READ]->(v:DatasetVersion) RETURN { versionId: v.id, datasetId: v.datasetId, implicit: e.implicit, ioFacetsJson: e.ioFacetsJson } },
                  writes: COLLECT { MATCH (r)-[e:WROTE]->(v:DatasetVersion) RETURN { versionId: v.id, ioFacetsJson: e.ioFacetsJson } },
                  modelWrites: COLLECT { MATCH (r)-[e:WROTE]->(v:ModelVersion) RETURN { versionId: v.id, ioFacetsJson: e.ioFacetsJson } },
                  commitId: (COLLECT { MATCH (r)-[:RAN_CODE]->(c:Commit) RETURN c.id })[0],
                  parent: (COLLECT { MATCH (r)-[:CHILD_OF]->(p:Run) RETURN p { .id, .runId } })[0] } AS run,
              COLLECT { MATCH (r)-[:READ|WROTE]->(v:DatasetVersion) RETURN ${VERSION('v')} } AS versions`,
      { runs: sorted },
    );
    for (const row of rows) {
      if (row.created) loaded.lockedOnly.add(row.run.id);
      loaded.set('run', row.run.id, row.created ? null : toRunSnapshot(row.run));
      for (const version of row.versions) loaded.set('version', version.id, toVersionSnapshot(version));
    }
  }

  /** Loads what the recorder asked for; whatever is not found is recorded as absent. */
  async load(tx: Tx, wanted: Wanted, loaded: LoadedState): Promise<void> {
    const pending = (kind: Parameters<LoadedState['has']>[0]) => [...wanted.ids.get(kind)!].filter((id) => !loaded.has(kind, id));
    const runs = pending('run');
    if (runs.length > 0) await this.lockRuns(tx, runs.map((id) => ({ id, runId: '' })), loaded);
    const ids = {
      versionIds: pending('version'),
      datasetIds: pending('dataset'),
      jobIds: pending('job'),
      commitIds: pending('commit'),
      modelVersionIds: pending('modelVersion'),
      receiptIds: pending('receipt'),
    };
    if (Object.values(ids).some((list) => list.length > 0)) await this.loadByIds(tx, ids, loaded);
    const candidates = [...wanted.candidates.values()].filter((key) => !loaded.candidates.has(candidateKey(key)));
    if (candidates.length > 0) await this.loadCandidates(tx, candidates, loaded);
  }

  private async loadByIds(tx: Tx, ids: Record<string, string[]>, loaded: LoadedState): Promise<void> {
    const [row] = await tx.rows<{
      versions: StoredVersion[];
      datasets: StoredDataset[];
      jobs: StoredJob[];
      commits: StoredCommit[];
      modelVersions: StoredModelVersion[];
      receipts: string[];
    }>(
      // Each kind of entity by global id, in one round trip.
      `CALL () { UNWIND $versionIds AS id MATCH (v:DatasetVersion {id: id}) RETURN collect(${VERSION('v')}) AS versions }
       CALL () { UNWIND $datasetIds AS id MATCH (n:Dataset {id: id}) RETURN collect(n { .id, .namespace, .name, .createdAt, .facetsJson }) AS datasets }
       CALL () { UNWIND $jobIds AS id MATCH (n:Job {id: id}) RETURN collect(n { .id, .namespace, .name, .description, .createdAt, .facetsJson }) AS jobs }
       CALL () {
         UNWIND $commitIds AS id MATCH (n:Commit {id: id})
         RETURN collect(n { .id, .repository, .sha, .branch, .author, .message, .committedAt, .createdAt }) AS commits
       }
       CALL () {
         UNWIND $modelVersionIds AS id MATCH (n:ModelVersion {id: id})
         RETURN collect(n { .id, .modelId, .modelName, .version, .artifactUri, .digest, .framework, .metricsJson, .createdAt, .createdAtFromRun, .facetsJson,
                            producerId: (COLLECT { MATCH (p:Run)-[:WROTE]->(n) RETURN p.id })[0] }) AS modelVersions
       }
       CALL () { UNWIND $receiptIds AS id MATCH (n:LineageEvent {id: id}) RETURN collect(n.id) AS receipts }
       RETURN versions, datasets, jobs, commits, modelVersions, receipts`,
      ids,
    );
    const found = row!;
    for (const id of ids.versionIds!) loaded.set('version', id, null);
    for (const version of found.versions) loaded.set('version', version.id, toVersionSnapshot(version));
    for (const id of ids.datasetIds!) loaded.set('dataset', id, null);
    for (const dataset of found.datasets) {
      const { facetsJson, createdAt, ...rest } = dataset;
      loaded.set('dataset', dataset.id, { ...rest, createdAt: createdAt.toISOString(), facets: fromFacetsProperty(facetsJson) });
    }
    for (const id of ids.jobIds!) loaded.set('job', id, null);
    for (const job of found.jobs) loaded.set('job', job.id, toJobSnapshot(job));
    for (const id of ids.commitIds!) loaded.set('commit', id, null);
    for (const commit of found.commits) loaded.set('commit', commit.id, toCommitSnapshot(commit));
    for (const id of ids.modelVersionIds!) loaded.set('modelVersion', id, null);
    for (const version of found.modelVersions) loaded.set('modelVersion', version.id, toModelVersionSnapshot(version));
    for (const id of ids.receiptIds!) loaded.set('receipt', id, null);
    for (const id of found.receipts) loaded.set('receipt', id, true);
  }

  /** For each key, the newest versions of the dataset created by then that the run did not write (CandidateKey). */
  private async loadCandidates(tx: Tx, keys: readonly CandidateKey[], loaded: LoadedState): Promise<void> {
    // LIMIT takes a parameter, not a row's value: one statement per distinct limit (in practice, one).
    for (const limit of new Set(keys.map((key) => key.limit))) {
      const batch = keys.filter((key) => key.limit === limit).map((key) => ({ ...key, key: candidateKey(key) }));
      const rows = await tx.rows<{ key: string; versions: StoredVersion[] }>(
        // The dataset's versions that existed at the key's instant and that the run did not write, newest first.
        `UNWIND $keys AS key
         MATCH (d:Dataset {id: key.datasetId})
         CALL (d, key) {
           MATCH (v:DatasetVersion)-[:VERSION_OF]->(d)
           WHERE v.createdAt <= datetime(key.at) AND NOT EXISTS { (:Run {id: key.runId})-[:WROTE]->(v) }
           RETURN v ORDER BY v.createdAt DESC, v.id DESC LIMIT toInteger($limit)
         }
         RETURN key.key AS key, collect(${VERSION('v')}) AS versions`,
        { keys: batch, limit },
      );
      for (const key of batch) loaded.candidates.set(key.key, []);
      for (const row of rows) {
        for (const version of row.versions) if (!loaded.has('version', version.id)) loaded.set('version', version.id, toVersionSnapshot(version));
        loaded.candidates.set(row.key, row.versions.map((version) => version.id));
      }
    }
  }

  async writeJobs(tx: Tx, jobs: readonly JobSnapshot[]): Promise<void> {
    if (jobs.length === 0) return;
    await tx.rows(
      // Create or update each job: description and facets as the recorder computed them, creation time the earliest known.
      `UNWIND $jobs AS row
       MERGE (j:Job {id: row.id})
         ON CREATE SET j.namespace = row.namespace, j.name = row.name, j.createdAt = datetime(row.createdAt), j.recordedAt = datetime()
       SET j.description = row.description, j.facetsJson = row.facetsJson
       WITH j, row WHERE j.createdAt > datetime(row.createdAt)
       SET j.createdAt = datetime(row.createdAt)`,
      { jobs: jobs.map(({ facets, ...job }) => ({ ...job, facetsJson: toFacetsProperty(facets) })) },
    );
  }

  async writeCommits(tx: Tx, commits: readonly CommitSnapshot[]): Promise<void> {
    if (commits.length === 0) return;
    await tx.rows(
      // Create or complete each commit (its fields are write-once, checked by the recorder).
      `UNWIND $commits AS row
       MERGE (c:Commit {id: row.id})
         ON CREATE SET c.repository = row.repository, c.sha = row.sha, c.createdAt = datetime(row.createdAt), c.recordedAt = datetime()
       SET c.branch = row.branch, c.author = row.author, c.message = row.message, c.committedAt = datetime(row.committedAt)
       WITH c, row WHERE c.createdAt > datetime(row.createdAt)
       SET c.createdAt = datetime(row.createdAt)`,
      { commits: commits.map(({ values, ...commit }) => ({ ...commit, ...values })) },
    );
  }

  async writeDatasets(tx: Tx, datasets: readonly DatasetSnapshot[]): Promise<void> {
    if (datasets.length === 0) return;
    await tx.rows(
      // Create or update each dataset's facets; its creation time is the earliest known.
      `UNWIND $datasets AS row
       MERGE (d:Dataset {id: row.id})
         ON CREATE SET d.namespace = row.namespace, d.name = row.name, d.createdAt = datetime(row.createdAt), d.recordedAt = datetime()
       SET d.facetsJson = row.facetsJson
       WITH d, row WHERE d.createdAt > datetime(row.createdAt)
       SET d.createdAt = datetime(row.createdAt)`,
      { datasets: datasets.map(({ facets, ...dataset }) => ({ ...dataset, facetsJson: toFacetsProperty(facets) })) },
    );
  }

  async writeVersions(tx: Tx, versions: readonly VersionSnapshot[]): Promise<void> {
    if (versions.length === 0) return;
    await tx.rows(
      // Create or update each version with its dataset; a dataset exists from its earliest version.
      `UNWIND $versions AS row
       MERGE (d:Dataset {id: row.datasetId})
         ON CREATE SET d.namespace = row.namespace, d.name = row.name, d.createdAt = datetime(row.createdAt), d.recordedAt = datetime()
       MERGE (v:DatasetVersion {id: row.id})
         ON CREATE SET v.datasetId = row.datasetId, v.namespace = row.namespace, v.name = row.name, v.version = row.version, v.recordedAt = datetime()
       SET v += row.properties, v.createdAt = datetime(row.createdAt)
       MERGE (v)-[:VERSION_OF]->(d)
       WITH d, row WHERE d.createdAt > datetime(row.createdAt)
       SET d.createdAt = datetime(row.createdAt)`,
      {
        versions: versions.map((v) => ({
          id: v.id,
          datasetId: v.datasetId,
          namespace: v.namespace,
          name: v.name,
          version: v.version,
          createdAt: v.createdAt,
          properties: { ...v.values, createdAtFromRun: v.createdAtFromRun || null, facetsJson: toFacetsProperty(v.facets) },
        })),
      },
    );
  }

  async writeModelVersions(tx: Tx, versions: readonly ModelVersionSnapshot[]): Promise<void> {
    if (versions.length === 0) return;
    await tx.rows(
      // Create or update each model version with its model; a model exists from its earliest version.
      `UNWIND $versions AS row
       MERGE (m:Model {id: row.modelId})
         ON CREATE SET m.name = row.modelName, m.createdAt = datetime(row.createdAt), m.recordedAt = datetime()
       MERGE (v:ModelVersion {id: row.id})
         ON CREATE SET v.modelId = row.modelId, v.modelName = row.modelName, v.version = row.version, v.recordedAt = datetime()
       SET v += row.properties, v.createdAt = datetime(row.createdAt)
       MERGE (v)-[:VERSION_OF]->(m)
       WITH m, row WHERE m.createdAt > datetime(row.createdAt)
       SET m.createdAt = datetime(row.createdAt)`,
      {
        versions: versions.map((v) => ({
          id: v.id,
          modelId: v.modelId,
          modelName: v.modelName,
          version: v.version,
          createdAt: v.createdAt,
          properties: { ...v.values, createdAtFromRun: v.createdAtFromRun || null, facetsJson: toFacetsProperty(v.facets) },
        })),
      },
    );
  }

  /** `links`: the job, commit and parent to link each run to, when not linked yet. */
  async writeRuns(tx: Tx, runs: ReadonlyArray<{ run: RunSnapshot; links: RunLinks }>): Promise<void> {
    if (runs.length === 0) return;
    await tx.rows(
      // Set each run's properties as the recorder computed them, and link it to its job, commit and parent.
      `UNWIND $runs AS row
       MATCH (r:Run {id: row.id})
       SET r += row.properties, r.startedAt = datetime(row.startedAt), r.endedAt = datetime(row.endedAt), r.recordedAt = coalesce(r.recordedAt, datetime())
       REMOVE r.lockedOnly
       WITH r, row
       CALL (r, row) { MATCH (j:Job {id: row.links.jobId}) MERGE (r)-[:RUN_OF]->(j) }
       CALL (r, row) { MATCH (c:Commit {id: row.links.commitId}) MERGE (r)-[:RAN_CODE]->(c) }
       CALL (r, row) { MATCH (p:Run {id: row.links.parentId}) MERGE (r)-[:CHILD_OF]->(p) }`,
      {
        runs: runs.map(({ run, links }) => ({
          id: run.id,
          startedAt: run.startedAt,
          endedAt: run.endedAt,
          properties: {
            runId: run.runId,
            jobId: run.jobId,
            state: run.state,
            parametersJson: toJsonProperty(run.parameters),
            errorMessage: run.errorMessage,
            facetsJson: toFacetsProperty(run.facets),
          },
          links,
        })),
      },
    );
  }

  /** READ and WROTE relationships to add or update, and READ relationships to remove (an input chosen again). */
  async writeEdges(tx: Tx, edges: EdgeWrites): Promise<void> {
    if (Object.values(edges).every((list) => list.length === 0)) return;
    await tx.rows(
      // Remove the reads chosen again, then merge reads and writes with the facets of the read or write.
      `CALL () {
         UNWIND $removedReads AS row
         MATCH (:Run {id: row.runId})-[e:READ]->(:DatasetVersion {id: row.versionId})
         DELETE e
       }
       CALL () {
         UNWIND $reads AS row
         MATCH (r:Run {id: row.runId}) MATCH (v:DatasetVersion {id: row.versionId})
         MERGE (r)-[e:READ]->(v)
         SET e.implicit = row.implicit, e.ioFacetsJson = row.ioFacetsJson
       }
       CALL () {
         UNWIND $writes AS row
         MATCH (r:Run {id: row.runId}) MATCH (v:DatasetVersion {id: row.versionId})
         MERGE (r)-[e:WROTE]->(v)
         SET e.ioFacetsJson = row.ioFacetsJson
       }
       CALL () {
         UNWIND $modelWrites AS row
         MATCH (r:Run {id: row.runId}) MATCH (v:ModelVersion {id: row.versionId})
         MERGE (r)-[e:WROTE]->(v)
         SET e.ioFacetsJson = row.ioFacetsJson
       }`,
      { ...edges },
    );
  }

  async writeReceipts(tx: Tx, receipts: readonly ReceiptWrite[]): Promise<void> {
    if (receipts.length === 0) return;
    await tx.rows(
      // Store each raw event once, linked to the run, job or dataset it is about.
      `UNWIND $receipts AS row
       MERGE (e:LineageEvent {id: row.id})
         ON CREATE SET e += row.properties, e.eventTime = datetime(row.eventTime), e.receivedAt = datetime(row.receivedAt)
       WITH e, row
       CALL (e, row) { MATCH (n:Run {id: row.about.runId}) MERGE (e)-[:ABOUT]->(n) }
       CALL (e, row) { MATCH (n:Job {id: row.about.jobId}) MERGE (e)-[:ABOUT]->(n) }
       CALL (e, row) { MATCH (n:Dataset {id: row.about.datasetId}) MERGE (e)-[:ABOUT]->(n) }`,
      { receipts },
    );
  }

  /** Removes runs created only to be locked, that no change ended up writing. */
  async removeLockedOnly(tx: Tx, runIds: readonly string[]): Promise<void> {
    if (runIds.length === 0) return;
    await tx.rows(
      // Delete the bare run nodes this transaction created for locking.
      `UNWIND $runIds AS id
       MATCH (r:Run {id: id})
       WHERE r.lockedOnly AND NOT EXISTS { (r)--() }
       DELETE r`,
      { runIds },
    );
  }
}

export interface RunLinks {
  jobId: string | null;
  commitId: string | null;
  parentId: string | null;
}

export interface EdgeWrites {
  removedReads: Array<{ runId: string; versionId: string }>;
  reads: Array<{ runId: string; versionId: string; implicit: true | null; ioFacetsJson: string | null }>;
  writes: Array<{ runId: string; versionId: string; ioFacetsJson: string | null }>;
  modelWrites: Array<{ runId: string; versionId: string; ioFacetsJson: string | null }>;
}

export interface ReceiptWrite {
  id: string;
  eventTime: string;
  receivedAt: string;
  properties: Record<string, string | null>;
  about: { runId: string | null; jobId: string | null; datasetId: string | null };
}

interface StoredRun {
  id: string;
  runId: string;
  jobId: string | null;
  state: RunState | null;
  startedAt: Date | null;
  endedAt: Date | null;
  parametersJson: string | null;
  errorMessage: string | null;
  facetsJson: string | null;
  reads: Array<{ versionId: string; datasetId: string; implicit: boolean | null; ioFacetsJson: string | null }>;
  writes: Array<{ versionId: string; ioFacetsJson: string | null }>;
  modelWrites: Array<{ versionId: string; ioFacetsJson: string | null }>;
  commitId: string | null;
  parent: { id: string; runId: string } | null;
}

interface StoredVersion {
  id: string;
  datasetId: string;
  namespace: string;
  name: string;
  version: string;
  digest: string | null;
  uri: string | null;
  schemaJson: string | null;
  rowCount: number | null;
  createdAt: Date;
  createdAtFromRun: boolean | null;
  facetsJson: string | null;
  producer: { id: string; runId: string } | null;
}

interface StoredDataset {
  id: string;
  namespace: string;
  name: string;
  createdAt: Date;
  facetsJson: string | null;
}

interface StoredJob {
  id: string;
  namespace: string;
  name: string;
  description: string | null;
  createdAt: Date;
  facetsJson: string | null;
}

interface StoredCommit {
  id: string;
  repository: string;
  sha: string;
  branch: string | null;
  author: string | null;
  message: string | null;
  committedAt: Date | null;
  createdAt: Date;
}

interface StoredModelVersion {
  id: string;
  modelId: string;
  modelName: string;
  version: string;
  artifactUri: string | null;
  digest: string | null;
  framework: string | null;
  metricsJson: string | null;
  createdAt: Date;
  createdAtFromRun: boolean | null;
  facetsJson: string | null;
  producerId: string | null;
}

function toRunSnapshot(run: StoredRun): RunSnapshot {
  return {
    id: run.id,
    runId: run.runId,
    jobId: run.jobId,
    state: run.state,
    startedAt: run.startedAt?.toISOString() ?? null,
    endedAt: run.endedAt?.toISOString() ?? null,
    parameters: fromJsonProperty<Record<string, unknown>>(run.parametersJson),
    errorMessage: run.errorMessage,
    facets: fromFacetsProperty(run.facetsJson),
    commitId: run.commitId,
    parent: run.parent,
    reads: new Map(
      run.reads.map((e): [string, ReadEdge] => [e.versionId, { datasetId: e.datasetId, implicit: e.implicit === true, ioFacets: fromFacetsProperty(e.ioFacetsJson) }]),
    ),
    writes: new Map(run.writes.map((e) => [e.versionId, { ioFacets: fromFacetsProperty(e.ioFacetsJson) as StoredFacets | null }])),
    modelWrites: new Map(run.modelWrites.map((e) => [e.versionId, { ioFacets: fromFacetsProperty(e.ioFacetsJson) as StoredFacets | null }])),
  };
}

function toVersionSnapshot(v: StoredVersion): VersionSnapshot {
  return {
    id: v.id,
    datasetId: v.datasetId,
    namespace: v.namespace,
    name: v.name,
    version: v.version,
    createdAt: v.createdAt.toISOString(),
    createdAtFromRun: v.createdAtFromRun === true,
    values: { digest: v.digest, uri: v.uri, schemaJson: v.schemaJson, rowCount: v.rowCount },
    facets: fromFacetsProperty(v.facetsJson),
    producer: v.producer,
  };
}

function toJobSnapshot({ facetsJson, createdAt, ...job }: StoredJob): JobSnapshot {
  return { ...job, createdAt: createdAt.toISOString(), facets: fromFacetsProperty(facetsJson) };
}

function toCommitSnapshot(c: StoredCommit): CommitSnapshot {
  return {
    id: c.id,
    repository: c.repository,
    sha: c.sha,
    values: { branch: c.branch, author: c.author, message: c.message, committedAt: c.committedAt?.toISOString() ?? null },
    createdAt: c.createdAt.toISOString(),
  };
}

function toModelVersionSnapshot(v: StoredModelVersion): ModelVersionSnapshot {
  return {
    id: v.id,
    modelId: v.modelId,
    modelName: v.modelName,
    version: v.version,
    createdAt: v.createdAt.toISOString(),
    createdAtFromRun: v.createdAtFromRun === true,
    values: { artifactUri: v.artifactUri, digest: v.digest, framework: v.framework, metricsJson: v.metricsJson },
    facets: fromFacetsProperty(v.facetsJson),
    producerId: v.producerId,
  };
}
