import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import type { Tx } from '../../db/database';
import { fromFacetsProperty, toFacetsProperty, type StoredFacets } from '../facets';
import { datasetVersionProjection, versionValuesOf, type StoredDatasetVersion } from '../dataset/dataset-version.label';
import { fromJsonProperty, toJsonProperty } from '../json-property';
import { runProjection, type StoredRun } from '../run/run.label';
import type { ValueTimes } from '../run/run.rules';
import { modelVersionProjection, modelVersionValuesOf, type StoredModelVersion } from '../model/model-version.label';
import { flagProjection, flagSnapshotOf, type StoredFlag } from '../quality/flag.label';
import type { FlagSnapshot } from '../quality/flag.rules';
import {
  candidateKey,
  FIRST_CANDIDATES,
  type ReadGuess,
  type CandidateKey,
  type CommitSnapshot,
  type DatasetSnapshot,
  type DeploymentSnapshot,
  type JobSnapshot,
  type LoadedState,
  type ModelSnapshot,
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

/** A run with everything attached to it that the rules read. */
const RUN = (r: string) =>
  runProjection(
    r,
    `reads: COLLECT { MATCH (${r})-[e:READ]->(v:DatasetVersion) RETURN { versionId: v.id, datasetId: v.datasetId, implicit: e.implicit, ioFacetsJson: e.ioFacetsJson } },
          writes: COLLECT { MATCH (${r})-[e:WROTE]->(v:DatasetVersion) RETURN { versionId: v.id, ioFacetsJson: e.ioFacetsJson } },
          modelWrites: COLLECT { MATCH (${r})-[e:WROTE]->(v:ModelVersion) RETURN { versionId: v.id, ioFacetsJson: e.ioFacetsJson } },
          commitId: (COLLECT { MATCH (${r})-[:RAN_CODE]->(c:Commit) RETURN c.id })[0],
          parent: (COLLECT { MATCH (${r})-[:CHILD_OF]->(p:Run) RETURN p { .id, .runId } })[0]`,
  );
const DEPLOYMENT = (d: string) =>
  `${d} { .id, .name, .environment, .endpoint, .deployedAt, .deployedBy, .retiredAt, .retiredBy, .modelVersionId,
          previousId: (COLLECT { MATCH (${d})-[:SUCCEEDS]->(p:Deployment) RETURN p.id })[0] }`;
/** A version with the run that wrote it (see dataset-version.label). */
const VERSION = (v: string) => datasetVersionProjection(v, `producer: (COLLECT { MATCH (p:Run)-[:WROTE]->(${v}) RETURN p { .id, .runId } })[0]`);

/**
 * The load statement, part by part: each reads one kind of entity by global id (runs locked first), and returns
 * it under the name of `LOAD_RESULTS`. A statement holds the parts a batch's kinds of change may need (see
 * LOAD_PARTS_OF in the recorder), so that the many small writes of GraphQL registrations plan small statements,
 * and every batch of one kind runs the same statement.
 */
const LOAD_PARTS: Record<LoadPart, string> = {
  runs: `CALL () {
     UNWIND $ids.runs AS input
     MERGE (r:Run {id: input.id})
       ON CREATE SET r.runId = input.runId, r.lockedOnly = true
     SET r.locked = true
     REMOVE r.locked
     RETURN collect({ created: r.lockedOnly IS NOT NULL, run: ${RUN('r')}, versions: COLLECT { MATCH (r)-[:READ|WROTE]->(v:DatasetVersion) RETURN ${VERSION('v')} } }) AS runs
   }`,
  refs: `CALL () { UNWIND $ids.refs AS id MATCH (r:Run {id: id}) RETURN collect(${RUN('r')}) AS refs }`,
  versionIds: `CALL () { UNWIND $ids.versionIds AS id MATCH (v:DatasetVersion {id: id}) RETURN collect(${VERSION('v')}) AS versions }`,
  datasetIds: `CALL () { UNWIND $ids.datasetIds AS id MATCH (n:Dataset {id: id}) RETURN collect(n { .id, .namespace, .name, .description, .createdAt, .facetsJson }) AS datasets }`,
  jobIds: `CALL () { UNWIND $ids.jobIds AS id MATCH (n:Job {id: id}) RETURN collect(n { .id, .namespace, .name, .description, .createdAt, .facetsJson }) AS jobs }`,
  commitIds: `CALL () {
     UNWIND $ids.commitIds AS id MATCH (n:Commit {id: id})
     RETURN collect(n { .id, .repository, .sha, .branch, .author, .message, .committedAt, .createdAt }) AS commits
   }`,
  modelVersionIds: `CALL () {
     UNWIND $ids.modelVersionIds AS id MATCH (n:ModelVersion {id: id})
     RETURN collect(${modelVersionProjection('n', 'producerId: (COLLECT { MATCH (p:Run)-[:WROTE]->(n) RETURN p.id })[0]')}) AS modelVersions
   }`,
  modelIds: `CALL () { UNWIND $ids.modelIds AS id MATCH (n:Model {id: id}) RETURN collect(n { .id, .name, .description, .createdAt }) AS models }`,
  deploymentIds: `CALL () { UNWIND $ids.deploymentIds AS id MATCH (n:Deployment {id: id}) RETURN collect(${DEPLOYMENT('n')}) AS deployments }`,
  slots: `// The latest deployment of each slot a deployment is made or retired in (by deployedAt, then id).
   CALL () {
     UNWIND $ids.slots AS slot
     CALL (slot) {
       OPTIONAL MATCH (n:Deployment {name: slot.name, environment: slot.environment})
       RETURN n ORDER BY n.deployedAt DESC, n.id DESC LIMIT 1
     }
     RETURN collect({ key: slot.key, deployment: CASE WHEN n IS NULL THEN null ELSE ${DEPLOYMENT('n')} END }) AS slots
   }`,
  flagged: `// The latest flag of each version a flag is put on, the version locked first so that its flags go in turn.
   CALL () {
     UNWIND $ids.flagged AS id
     MATCH (v:DatasetVersion {id: id})
     SET v.qualityLock = true
     REMOVE v.qualityLock
     RETURN collect({ versionId: v.id, latest: (COLLECT { MATCH (v)<-[:FLAGS]-(f:QualityFlag) RETURN ${flagProjection('f')} ORDER BY f.flaggedAt DESC LIMIT 1 })[0] }) AS flagged
   }`,
  flagIds: `CALL () { UNWIND $ids.flagIds AS id MATCH (f:QualityFlag {id: id}) RETURN collect(${flagProjection('f')}) AS flags }`,
  receiptIds: `CALL () { UNWIND $ids.receiptIds AS id MATCH (n:LineageEvent {id: id}) RETURN collect(n.id) AS receipts }`,
  guesses: `// The versions likely current at each guessed read (ReadGuess), its read time computed as the rules do.
   CALL () {
     UNWIND $ids.guesses AS guess
     OPTIONAL MATCH (r:Run {id: guess.runId})
     WITH guess, r, datetime(guess.start) AS start
     WITH guess, coalesce(CASE WHEN r.startedAt IS NULL OR r.startedAt > start THEN start ELSE r.startedAt END, r.endedAt, datetime(guess.end), datetime(guess.at)) AS at
     RETURN collect({
       datasetId: guess.datasetId, runId: guess.runId, at: at,
       // Only the few versions kept are projected (projecting inside would project every version seen).
       versions: [v IN COLLECT {
         MATCH (v:DatasetVersion)
         WHERE v.datasetId = guess.datasetId AND v.createdAt <= at AND NOT EXISTS { (:Run {id: guess.runId})-[:WROTE]->(v) }
         RETURN v ORDER BY v.datasetId DESC, v.createdAt DESC, v.id DESC LIMIT ${FIRST_CANDIDATES}
       } | ${VERSION('v')}]
     }) AS guesses
   }`,
};

const LOAD_RESULTS: Record<LoadPart, string> = {
  runs: 'runs',
  refs: 'refs',
  versionIds: 'versions',
  datasetIds: 'datasets',
  jobIds: 'jobs',
  commitIds: 'commits',
  modelVersionIds: 'modelVersions',
  modelIds: 'models',
  deploymentIds: 'deployments',
  slots: 'slots',
  flagged: 'flagged',
  flagIds: 'flags',
  receiptIds: 'receipts',
  guesses: 'guesses',
};

/**
 * The write statement, part by part, in an order where every node exists before a relationship needs it: each
 * part an UNWIND over the rows of one list. Like the load, a statement holds the parts its batch's kinds of change
 * may write (WRITE_PARTS_OF in the recorder) and those with rows.
 */
const WRITE_PARTS: Record<WritePart, string> = {
  jobs: `// Jobs, commits and datasets: created or updated; each exists from its earliest known instant.
CALL () {
     UNWIND $changes.jobs AS row
     MERGE (j:Job {id: row.id})
       ON CREATE SET j.namespace = row.namespace, j.name = row.name, j.createdAt = datetime(row.createdAt), j.recordedAt = datetime()
     SET j.description = row.description, j.facetsJson = row.facetsJson
     WITH j, row WHERE j.createdAt > datetime(row.createdAt)
     SET j.createdAt = datetime(row.createdAt)
   }`,
  commits: `CALL () {
     UNWIND $changes.commits AS row
     MERGE (c:Commit {id: row.id})
       ON CREATE SET c.repository = row.repository, c.sha = row.sha, c.createdAt = datetime(row.createdAt), c.recordedAt = datetime()
     SET c.branch = row.branch, c.author = row.author, c.message = row.message, c.committedAt = datetime(row.committedAt)
     WITH c, row WHERE c.createdAt > datetime(row.createdAt)
     SET c.createdAt = datetime(row.createdAt)
   }`,
  datasets: `CALL () {
     UNWIND $changes.datasets AS row
     MERGE (d:Dataset {id: row.id})
       ON CREATE SET d.namespace = row.namespace, d.name = row.name, d.createdAt = datetime(row.createdAt), d.recordedAt = datetime()
     SET d.facetsJson = row.facetsJson, d.description = CASE WHEN row.setDescription THEN row.description ELSE d.description END
     WITH d, row WHERE d.createdAt > datetime(row.createdAt)
     SET d.createdAt = datetime(row.createdAt)
   }`,
  versions: `// Dataset versions with their datasets, model versions with their models.
   CALL () {
     UNWIND $changes.versions AS row
     MERGE (d:Dataset {id: row.datasetId})
       ON CREATE SET d.namespace = row.namespace, d.name = row.name, d.createdAt = datetime(row.createdAt), d.recordedAt = datetime()
     MERGE (v:DatasetVersion {id: row.id})
       ON CREATE SET v.datasetId = row.datasetId, v.namespace = row.namespace, v.name = row.name, v.version = row.version, v.recordedAt = datetime()
     SET v += row.properties, v.createdAt = datetime(row.createdAt)
     MERGE (v)-[:VERSION_OF]->(d)
     WITH d, row WHERE d.createdAt > datetime(row.createdAt)
     SET d.createdAt = datetime(row.createdAt)
   }`,
  models: `CALL () {
     UNWIND $changes.models AS row
     MERGE (m:Model {id: row.id})
       ON CREATE SET m.name = row.name, m.createdAt = datetime(row.createdAt), m.recordedAt = datetime()
     SET m.description = CASE WHEN row.setDescription THEN row.description ELSE m.description END
     WITH m, row WHERE m.createdAt > datetime(row.createdAt)
     SET m.createdAt = datetime(row.createdAt)
   }`,
  modelVersions: `CALL () {
     UNWIND $changes.modelVersions AS row
     MERGE (m:Model {id: row.modelId})
       ON CREATE SET m.name = row.modelName, m.createdAt = datetime(row.createdAt), m.recordedAt = datetime()
     MERGE (v:ModelVersion {id: row.id})
       ON CREATE SET v.modelId = row.modelId, v.modelName = row.modelName, v.version = row.version, v.recordedAt = datetime()
     SET v += row.properties, v.createdAt = datetime(row.createdAt)
     MERGE (v)-[:VERSION_OF]->(m)
     WITH m, row WHERE m.createdAt > datetime(row.createdAt)
     SET m.createdAt = datetime(row.createdAt)
   }`,
  deployments: `// Deployments made (serving their model version, after the slot's previous one) or retired.
   CALL () {
     UNWIND $changes.deployments AS row
     MERGE (d:Deployment {id: row.id})
       ON CREATE SET d.name = row.name, d.environment = row.environment, d.endpoint = row.endpoint, d.deployedAt = datetime(row.deployedAt),
                     d.deployedBy = row.deployedBy, d.modelVersionId = row.modelVersionId, d.recordedAt = datetime()
     SET d.retiredAt = datetime(row.retiredAt), d.retiredBy = row.retiredBy
     WITH d, row
     CALL (d, row) { MATCH (v:ModelVersion {id: row.modelVersionId}) MERGE (d)-[:SERVES]->(v) }
     CALL (d, row) { MATCH (p:Deployment {id: row.previousId}) MERGE (d)-[:SUCCEEDS]->(p) }
   }`,
  flags: `// Flags put on dataset versions (each flag is made once: one per version and instant).
   CALL () {
     UNWIND $changes.flags AS row
     MATCH (v:DatasetVersion {id: row.versionId})
     CREATE (f:QualityFlag {id: row.id, versionId: v.id, datasetId: v.datasetId, namespace: v.namespace, status: row.status, reason: row.reason,
                            flaggedAt: datetime(row.flaggedAt), flaggedBy: row.flaggedBy, recordedAt: datetime()})
     CREATE (f)-[:FLAGS]->(v)
   }`,
  placeholderRuns: `// Parents named by children and not recorded yet: created with their job, unless created meanwhile.
   CALL () {
     UNWIND $changes.placeholderRuns AS row
     MERGE (r:Run {id: row.id})
       ON CREATE SET r.runId = row.runId, r.jobId = row.jobId, r.recordedAt = datetime()
     WITH r, row WHERE r.jobId = row.jobId
     MATCH (j:Job {id: row.jobId})
     MERGE (r)-[:RUN_OF]->(j)
   }`,
  runs: `// Runs (all locked, so they exist): properties as computed, links to job, commit and parent when new.
   CALL () {
     UNWIND $changes.runs AS row
     MATCH (r:Run {id: row.id})
     SET r += row.properties, r.startedAt = datetime(row.startedAt), r.endedAt = datetime(row.endedAt), r.recordedAt = coalesce(r.recordedAt, datetime())
     REMOVE r.lockedOnly
     WITH r, row
     CALL (r, row) { MATCH (j:Job {id: row.links.jobId}) MERGE (r)-[:RUN_OF]->(j) }
     CALL (r, row) { MATCH (c:Commit {id: row.links.commitId}) MERGE (r)-[:RAN_CODE]->(c) }
     CALL (r, row) { MATCH (p:Run {id: row.links.parentId}) MERGE (r)-[:CHILD_OF]->(p) }
   }`,
  removedReads: `// Reads chosen again are removed; reads and writes are merged with the facets of the read or write.
   CALL () {
     UNWIND $changes.removedReads AS row
     MATCH (:Run {id: row.runId})-[e:READ]->(:DatasetVersion {id: row.versionId})
     DELETE e
   }`,
  reads: `CALL () {
     UNWIND $changes.reads AS row
     MATCH (r:Run {id: row.runId}) MATCH (v:DatasetVersion {id: row.versionId})
     MERGE (r)-[e:READ]->(v)
     SET e.implicit = row.implicit, e.ioFacetsJson = row.ioFacetsJson
   }`,
  writes: `CALL () {
     UNWIND $changes.writes AS row
     MATCH (r:Run {id: row.runId}) MATCH (v:DatasetVersion {id: row.versionId})
     MERGE (r)-[e:WROTE]->(v)
     SET e.ioFacetsJson = row.ioFacetsJson
   }`,
  modelWrites: `CALL () {
     UNWIND $changes.modelWrites AS row
     MATCH (r:Run {id: row.runId}) MATCH (v:ModelVersion {id: row.versionId})
     MERGE (r)-[e:WROTE]->(v)
     SET e.ioFacetsJson = row.ioFacetsJson
   }`,
  receipts: `// Raw events, each stored once, linked to the run, job or dataset they are about.
   CALL () {
     UNWIND $changes.receipts AS row
     MERGE (e:LineageEvent {id: row.id})
       ON CREATE SET e += row.properties, e.eventTime = datetime(row.eventTime), e.receivedAt = datetime(row.receivedAt)
     WITH e, row
     CALL (e, row) { MATCH (n:Run {id: row.about.runId}) MERGE (e)-[:ABOUT]->(n) }
     CALL (e, row) { MATCH (n:Job {id: row.about.jobId}) MERGE (e)-[:ABOUT]->(n) }
     CALL (e, row) { MATCH (n:Dataset {id: row.about.datasetId}) MERGE (e)-[:ABOUT]->(n) }
     // What it contradicted, so that an entity's conflicts are one hop away (after the entities: they exist).
     CALL (e, row) { UNWIND row.conflictsWith.runIds AS id MATCH (n:Run {id: id}) MERGE (e)-[:CONFLICTS_WITH]->(n) }
     CALL (e, row) { UNWIND row.conflictsWith.versionIds AS id MATCH (n:DatasetVersion {id: id}) MERGE (e)-[:CONFLICTS_WITH]->(n) }
     CALL (e, row) { UNWIND row.conflictsWith.modelVersionIds AS id MATCH (n:ModelVersion {id: id}) MERGE (e)-[:CONFLICTS_WITH]->(n) }
     CALL (e, row) { UNWIND row.conflictsWith.commitIds AS id MATCH (n:Commit {id: id}) MERGE (e)-[:CONFLICTS_WITH]->(n) }
   }`,
  lockedOnly: `// Runs created only to be locked, that no change wrote, go again.
   CALL () {
     UNWIND $changes.lockedOnly AS id
     MATCH (r:Run {id: id})
     WHERE r.lockedOnly AND NOT EXISTS { (r)--() }
     DELETE r
   }`,
};

export class LineageRepository {
  /**
   * Loads what the recorder asked for, in one statement: the runs are locked first (and created when missing,
   * marked `lockedOnly` until a change writes them), so that two transactions recording events of one run (a
   * START and its COMPLETE arriving together) take turns instead of overwriting each other. Whatever is not
   * found is recorded as absent. Versions current at an instant (candidates) come in a second statement.
   */
  async load(tx: Tx, wanted: Wanted, loaded: LoadedState, parts: ReadonlySet<LoadPart> = ALL_LOAD_PARTS): Promise<void> {
    const pending = (kind: Kind) => [...wanted.ids.get(kind)!].filter((id) => !loaded.has(kind, id)).sort();
    const params = {
      runs: pending('run')
        .filter((id) => wanted.locks.has(id))
        .map((id) => ({ id, runId: wanted.locks.get(id)! })),
      refs: pending('run').filter((id) => !wanted.locks.has(id)),
      versionIds: pending('version'),
      datasetIds: pending('dataset'),
      jobIds: pending('job'),
      commitIds: pending('commit'),
      modelVersionIds: pending('modelVersion'),
      modelIds: pending('model'),
      deploymentIds: pending('deployment'),
      receiptIds: pending('receipt'),
      slots: [...wanted.slots].filter(([key]) => !loaded.slots.has(key)).map(([key, slot]) => ({ key, ...slot })),
      flagged: [...wanted.flagged].filter((id) => !loaded.latestFlags.has(id)).sort(),
      flagIds: pending('flag'),
      guesses: wanted.guesses.splice(0),
    };
    if (Object.values(params).some((list) => list.length > 0)) await this.loadByIds(tx, params, parts, loaded);
    const candidates = [...wanted.candidates.values()].filter((key) => !loaded.candidates.has(candidateKey(key)));
    if (candidates.length > 0) await this.loadCandidates(tx, candidates, loaded);
  }

  private async loadByIds(tx: Tx, params: LoadParams, parts: ReadonlySet<LoadPart>, loaded: LoadedState): Promise<void> {
    const included = (Object.keys(LOAD_PARTS) as LoadPart[]).filter((part) => parts.has(part) || params[part].length > 0);
    const [row] = await tx.rows<
      Partial<{
        runs: Array<{ created: boolean; run: StoredRunRow; versions: StoredVersion[] }>;
        refs: StoredRunRow[];
        versions: StoredVersion[];
        datasets: StoredDataset[];
        jobs: StoredJob[];
        commits: StoredCommit[];
        modelVersions: StoredModelVersionRow[];
        models: StoredModel[];
        deployments: StoredDeployment[];
        slots: Array<{ key: string; deployment: StoredDeployment | null }>;
        flagged: Array<{ versionId: string; latest: StoredFlag | null }>;
        flags: StoredFlag[];
        receipts: string[];
        guesses: Array<{ datasetId: string; runId: string; at: Date; versions: StoredVersion[] }>;
      }>
    >(
      // Lock each run (a property write holds the node's write lock until commit) and read it with its edges and
      // the versions they reach; then each other kind of entity by global id.
      `${included.map((part) => LOAD_PARTS[part]).join('\n')}
       RETURN ${included.map((part) => LOAD_RESULTS[part]).join(', ')}`,
      { ids: params },
    );
    const found = {
      runs: [],
      refs: [],
      versions: [],
      datasets: [],
      jobs: [],
      commits: [],
      modelVersions: [],
      models: [],
      deployments: [],
      slots: [],
      flagged: [],
      flags: [],
      receipts: [],
      guesses: [],
      ...row!,
    };
    for (const id of params.refs) loaded.set('run', id, null);
    for (const run of found.refs) loaded.set('run', run.id, toRunSnapshot(run));
    for (const { created, run, versions } of found.runs) {
      loaded.locked.add(run.id);
      if (created) loaded.lockedOnly.add(run.id);
      loaded.set('run', run.id, created ? null : toRunSnapshot(run));
      for (const version of versions) if (!loaded.has('version', version.id)) loaded.set('version', version.id, toVersionSnapshot(version));
    }
    for (const id of params.versionIds) if (!loaded.has('version', id)) loaded.set('version', id, null);
    for (const version of found.versions) loaded.set('version', version.id, toVersionSnapshot(version));
    for (const id of params.datasetIds) loaded.set('dataset', id, null);
    for (const { facetsJson, createdAt, ...dataset } of found.datasets) {
      loaded.set('dataset', dataset.id, { ...dataset, createdAt: createdAt.toISOString(), facets: fromFacetsProperty(facetsJson) });
    }
    for (const id of params.modelIds) loaded.set('model', id, null);
    for (const { createdAt, ...model } of found.models) loaded.set('model', model.id, { ...model, createdAt: createdAt.toISOString() });
    for (const id of params.deploymentIds) loaded.set('deployment', id, null);
    for (const deployment of found.deployments) loaded.set('deployment', deployment.id, toDeploymentSnapshot(deployment));
    for (const { key, deployment } of found.slots) {
      loaded.slots.set(key, deployment?.id ?? null);
      if (deployment && !loaded.has('deployment', deployment.id)) loaded.set('deployment', deployment.id, toDeploymentSnapshot(deployment));
    }
    // A version not found has no flags (the rule refuses the flag: the version is missing).
    for (const id of params.flagged) loaded.latestFlags.set(id, null);
    for (const { versionId, latest } of found.flagged) {
      loaded.latestFlags.set(versionId, latest?.id ?? null);
      if (latest && !loaded.has('flag', latest.id)) loaded.set('flag', latest.id, flagSnapshotOf(latest));
    }
    for (const id of params.flagIds) if (!loaded.has('flag', id)) loaded.set('flag', id, null);
    for (const flag of found.flags) loaded.set('flag', flag.id, flagSnapshotOf(flag));
    for (const id of params.jobIds) loaded.set('job', id, null);
    for (const job of found.jobs) loaded.set('job', job.id, toJobSnapshot(job));
    for (const id of params.commitIds) loaded.set('commit', id, null);
    for (const commit of found.commits) loaded.set('commit', commit.id, toCommitSnapshot(commit));
    for (const id of params.modelVersionIds) loaded.set('modelVersion', id, null);
    for (const version of found.modelVersions) loaded.set('modelVersion', version.id, toModelVersionSnapshot(version));
    for (const id of params.receiptIds) loaded.set('receipt', id, null);
    for (const id of found.receipts) loaded.set('receipt', id, true);
    for (const { datasetId, runId, at, versions } of found.guesses) {
      for (const version of versions) if (!loaded.has('version', version.id)) loaded.set('version', version.id, toVersionSnapshot(version));
      loaded.candidates.set(
        candidateKey({ datasetId, at: at.toISOString(), runId, limit: FIRST_CANDIDATES }),
        versions.map((version) => version.id),
      );
    }
  }

  /** For each key, the newest versions of the dataset created by then that the run did not write (CandidateKey). */
  private async loadCandidates(tx: Tx, keys: readonly CandidateKey[], loaded: LoadedState): Promise<void> {
    // LIMIT takes a parameter, not a row's value: one statement per distinct limit (in practice, one).
    for (const limit of new Set(keys.map((key) => key.limit))) {
      const batch = keys.filter((key) => key.limit === limit).map((key) => ({ ...key, key: candidateKey(key) }));
      const rows = await tx.rows<{ key: string; versions: StoredVersion[] }>(
        // The dataset's versions that existed at the key's instant and that the run did not write, newest first.
        // Ordering by datasetId too (a constant here) lets the (datasetId, createdAt) index give the order, so the
        // seek stops after `limit` versions instead of sorting every version of the dataset (PartialTop).
        `UNWIND $keys AS key
         CALL (key) {
           MATCH (v:DatasetVersion)
           WHERE v.datasetId = key.datasetId AND v.createdAt <= datetime(key.at) AND NOT EXISTS { (:Run {id: key.runId})-[:WROTE]->(v) }
           RETURN v ORDER BY v.datasetId DESC, v.createdAt DESC, v.id DESC LIMIT toInteger($limit)
         }
         RETURN key.key AS key, collect(${VERSION('v')}) AS versions`,
        { keys: batch, limit },
      );
      for (const key of batch) loaded.candidates.set(key.key, []);
      for (const row of rows) {
        for (const version of row.versions) if (!loaded.has('version', version.id)) loaded.set('version', version.id, toVersionSnapshot(version));
        loaded.candidates.set(
          row.key,
          row.versions.map((version) => version.id),
        );
      }
    }
  }

  /**
   * Writes what the recorder's changes changed, in one statement: a unit subquery per kind, each an UNWIND over
   * its rows (empty lists cost nothing), in an order where every node exists before a relationship needs it.
   * The lists travel in one map parameter: Neo4j caches plans by the types of the top-level parameters, and an
   * empty list is not typed like a list of maps, so separate lists would plan the statement anew for every
   * combination of empty and non-empty kinds.
   */
  async write(tx: Tx, writes: RecorderWrites, parts: ReadonlySet<WritePart> = ALL_WRITE_PARTS): Promise<void> {
    const params = await writeParams(writes);
    if (Object.values(params).every((list) => list.length === 0)) return;
    const included = (Object.keys(WRITE_PARTS) as WritePart[]).filter((part) => parts.has(part) || params[part].length > 0);
    await tx.rows(included.map((part) => WRITE_PARTS[part]).join('\n'), { changes: params });
  }
}

/** The rows of each part of the write statement, as Neo4j takes them (facets and JSON values as strings, events gzipped). */
async function writeParams(writes: RecorderWrites) {
  return {
    jobs: writes.jobs.map(({ facets, ...job }) => ({ ...job, facetsJson: toFacetsProperty(facets) })),
    commits: writes.commits.map(({ values, ...commit }) => ({ ...commit, ...values })),
    datasets: writes.datasets.map(({ facets, ...dataset }) => ({ ...dataset, facetsJson: toFacetsProperty(facets) })),
    models: writes.models,
    deployments: writes.deployments,
    flags: writes.flags,
    versions: writes.versions.map((v) => ({
      id: v.id,
      datasetId: v.datasetId,
      namespace: v.namespace,
      name: v.name,
      version: v.version,
      createdAt: v.createdAt,
      properties: {
        ...v.values,
        valuesAtJson: toJsonProperty(v.valuesAt),
        createdAtFromRun: v.createdAtFromRun || null,
        facetsJson: toFacetsProperty(v.facets),
      },
    })),
    modelVersions: writes.modelVersions.map((v) => ({
      id: v.id,
      modelId: v.modelId,
      modelName: v.modelName,
      version: v.version,
      createdAt: v.createdAt,
      properties: { ...v.values, createdAtFromRun: v.createdAtFromRun || null, facetsJson: toFacetsProperty(v.facets) },
    })),
    runs: writes.runs.map(({ run, links }) => ({
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
    placeholderRuns: writes.placeholderRuns.map((run) => ({ id: run.id, runId: run.runId, jobId: run.jobId })),
    ...writes.edges,
    receipts: await Promise.all(
      writes.receipts.map(async ({ properties: { body, ...properties }, ...receipt }) => ({
        ...receipt,
        properties: { ...properties, bodyGzip: await gzipped(body ?? null) },
      })),
    ),
    lockedOnly: writes.lockedOnly,
  };
}

type WriteParams = Awaited<ReturnType<typeof writeParams>>;

type Kind = Parameters<LoadedState['has']>[0];

const gzipAsync = promisify(gzip);

/** Bodies of up to this many characters (nearly every event) are compressed at once, on the event loop. */
const COMPRESSED_AT_ONCE = 16 * 1024;
/** A 16 KB window holds the whole of such a body, so nothing is lost to it; zlib sets it up faster than its default. */
const AT_ONCE = { level: 1, windowBits: 14, memLevel: 6 };

/**
 * Raw events are stored gzip-compressed (`bodyGzip`, a byte array): a third of the size, for the store and on
 * the wire (the driver writes to its socket every 1,400 bytes). Any gzip tool reads them back. A typical event
 * (1.3 KB) takes 25 µs to compress, and sending it to libuv's thread pool instead cost six times that in the
 * event loop (a zlib stream per call, its hand-over and its wake-up: bench/README.md, "Ingestion with group
 * commit"); larger bodies, up to megabytes, go to the pool, off the event loop, which is ingestion's bottleneck.
 */
async function gzipped(body: string | null): Promise<Int8Array | null> {
  if (body === null) return null;
  const compressed = body.length <= COMPRESSED_AT_ONCE ? gzipSync(body, AT_ONCE) : await gzipAsync(body, { level: 1 });
  return new Int8Array(compressed.buffer, compressed.byteOffset, compressed.byteLength);
}

/** A part of the write statement, named by its parameter list. */
export type WritePart = keyof WriteParams;

export const ALL_WRITE_PARTS: ReadonlySet<WritePart> = new Set(Object.keys(WRITE_PARTS) as WritePart[]);

/** A part of the load statement, named by its parameter list. */
export type LoadPart = keyof LoadParams;

export const ALL_LOAD_PARTS: ReadonlySet<LoadPart> = new Set(Object.keys(LOAD_PARTS) as LoadPart[]);

interface LoadParams {
  runs: Array<{ id: string; runId: string }>;
  refs: string[];
  versionIds: string[];
  datasetIds: string[];
  jobIds: string[];
  commitIds: string[];
  modelVersionIds: string[];
  modelIds: string[];
  deploymentIds: string[];
  receiptIds: string[];
  slots: Array<{ key: string; name: string; environment: string }>;
  flagged: string[];
  flagIds: string[];
  guesses: ReadGuess[];
}

/** Everything one batch changed, as the recorder computed it. */
export interface RecorderWrites {
  jobs: JobSnapshot[];
  commits: CommitSnapshot[];
  datasets: Array<DatasetSnapshot & { setDescription: boolean }>;
  versions: VersionSnapshot[];
  modelVersions: ModelVersionSnapshot[];
  /** With `setDescription` when a change set the description (only then is it written). */
  models: Array<ModelSnapshot & { setDescription: boolean }>;
  deployments: DeploymentSnapshot[];
  /** Flags made (a flag is never changed once made). */
  flags: FlagSnapshot[];
  runs: Array<{ run: RunSnapshot; links: RunLinks }>;
  /** Parents known only by the id and job a child named: created if still missing, never overwriting. */
  placeholderRuns: RunSnapshot[];
  edges: EdgeWrites;
  receipts: ReceiptWrite[];
  /** Runs created only to lock them and not written by any change: removed again. */
  lockedOnly: string[];
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
  /** The receipt's other fields, `body` (canonical JSON) among them. */
  properties: Record<string, string | null>;
  about: { runId: string | null; jobId: string | null; datasetId: string | null };
  /** The entities whose recorded facts the event contradicted (RecordedConflict), by kind. */
  conflictsWith: { runIds: string[]; versionIds: string[]; modelVersionIds: string[]; commitIds: string[] };
}

/** A run (see run.label) with what the rules read of its relationships. */
type StoredRunRow = StoredRun & {
  reads: Array<{ versionId: string; datasetId: string; implicit: boolean | null; ioFacetsJson: string | null }>;
  writes: Array<{ versionId: string; ioFacetsJson: string | null }>;
  modelWrites: Array<{ versionId: string; ioFacetsJson: string | null }>;
  commitId: string | null;
  parent: { id: string; runId: string } | null;
};

type StoredVersion = StoredDatasetVersion & { producer: { id: string; runId: string } | null };

interface StoredDataset {
  id: string;
  namespace: string;
  name: string;
  description: string | null;
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

type StoredModelVersionRow = StoredModelVersion & { producerId: string | null };

interface StoredModel {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date;
}

interface StoredDeployment {
  id: string;
  name: string;
  environment: string;
  endpoint: string | null;
  deployedAt: Date;
  deployedBy: string | null;
  retiredAt: Date | null;
  retiredBy: string | null;
  modelVersionId: string;
  previousId: string | null;
}

function toDeploymentSnapshot(d: StoredDeployment): DeploymentSnapshot {
  return { ...d, deployedAt: d.deployedAt.toISOString(), retiredAt: d.retiredAt?.toISOString() ?? null };
}

function toRunSnapshot(run: StoredRunRow): RunSnapshot {
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
      run.reads.map((e): [string, ReadEdge] => [
        e.versionId,
        { datasetId: e.datasetId, implicit: e.implicit === true, ioFacets: fromFacetsProperty(e.ioFacetsJson) },
      ]),
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
    values: versionValuesOf(v),
    valuesAt: fromJsonProperty<ValueTimes>(v.valuesAtJson),
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

function toModelVersionSnapshot(v: StoredModelVersionRow): ModelVersionSnapshot {
  return {
    id: v.id,
    modelId: v.modelId,
    modelName: v.modelName,
    version: v.version,
    createdAt: v.createdAt.toISOString(),
    createdAtFromRun: v.createdAtFromRun === true,
    values: modelVersionValuesOf(v),
    facets: fromFacetsProperty(v.facetsJson),
    producerId: v.producerId,
  };
}
