import type { Database } from '../src/db/database';
import { ids } from '../src/core/ids';

/**
 * A synthetic lineage graph with the shape of a real ML platform, written with batched UNWIND statements (through
 * src/db/database.ts), because recording 100k nodes one GraphQL mutation at a time would take hours here.
 *
 * Shape, for `days` days and a width W chosen to reach the target size:
 * - W raw datasets, one version (partition) per day: the sources.
 * - `layers` layers of W transformation jobs. Job (l, j) runs once a day, reads the day's versions of three
 *   datasets (fan-in): (l-1, j), (l-1, j+1) and (l-2, 7j+3) (raw for l = 1), and writes version `d` of its own
 *   dataset; so every dataset is read by about three jobs (fan-out).
 * - M = W/6 training jobs, each reading three datasets of the last layer, writing a model version a day.
 * - Every fifth model version is deployed to staging, then a day and a half later to production; each deployment
 *   retires the slot's previous one (SUCCEEDS), so the last one of each slot is live.
 * - P = W/10 pipelines (DAGs): job j belongs to pipeline j mod P; each pipeline has one DAG run a day, parent
 *   (CHILD_OF) of its jobs' runs, and a commit every ten days that its runs ran (RAN_CODE).
 * Nodes carry the same properties as those the service writes, so every query runs as in production.
 */

export interface Shape {
  days: number;
  layers: number;
  width: number;
  models: number;
  pipelines: number;
}

export function shapeFor(targetNodes: number, days = 60, layers = 6): Shape {
  let width = 4;
  while (estimateNodes({ days, layers, width, models: modelsFor(width), pipelines: pipelinesFor(width) }) < targetNodes) width++;
  return { days, layers, width, models: modelsFor(width), pipelines: pipelinesFor(width) };
}

const modelsFor = (width: number) => Math.max(2, Math.ceil(width / 6));
const pipelinesFor = (width: number) => Math.max(1, Math.ceil(width / 10));

export function estimateNodes(s: Shape): number {
  const perDay = s.width + 2 * s.layers * s.width + 2 * s.models + s.pipelines + (2 * s.models) / 5;
  const containers = s.width * (s.layers + 1) + s.width * s.layers + s.models * 2 + s.pipelines + (s.pipelines * s.days) / 10;
  return Math.round(s.days * perDay + containers);
}

const NAMESPACE = 's3://bench-lake';
const JOBS = 'bench-airflow';
const DAY = 86_400_000;
const BASE = Date.UTC(2025, 0, 1);
const at = (day: number, hours: number) => new Date(BASE + day * DAY + hours * 3_600_000).toISOString();

const datasetName = (layer: number, j: number) => (layer === 0 ? `raw/source_${j}` : `layer${layer}/table_${j}`);
const jobName = (layer: number, j: number) => `layer${layer}.build_${j}`;
const modelName = (m: number) => `model-${m}`;
const repository = (p: number) => `https://github.com/bench/pipeline-${p}`;
const commitSha = (p: number, block: number) => `${p.toString(16).padStart(8, '0')}${block.toString(16).padStart(8, '0')}`.padEnd(40, 'a');

type Row = Record<string, unknown>;

/** Rows waiting to be written, by statement. */
class Batches {
  private readonly pending = new Map<string, Row[]>();
  written = 0;

  constructor(
    private readonly db: Database,
    private readonly size = 10_000,
  ) {}

  async add(statement: string, row: Row): Promise<void> {
    const rows = this.pending.get(statement) ?? [];
    rows.push(row);
    this.pending.set(statement, rows);
    if (rows.length >= this.size) await this.flush();
  }

  /** Writes every pending batch, nodes before relationships (which match their ends by id). */
  async flush(): Promise<void> {
    const statements = [...this.pending.keys()];
    const creates = (statement: string) => statement.startsWith('UNWIND $rows AS r CREATE');
    for (const statement of [...statements.filter(creates), ...statements.filter((s) => !creates(s))]) await this.flushOne(statement);
  }

  private async flushOne(statement: string): Promise<void> {
    const rows = this.pending.get(statement) ?? [];
    if (rows.length === 0) return;
    this.pending.set(statement, []);
    await this.db.write('bench.generate', (tx) => tx.rows(statement, { rows }));
    this.written += rows.length;
  }
}

// One statement per label and per relationship type; instants arrive as ISO strings.
const NODE = {
  Dataset: `UNWIND $rows AS r CREATE (n:Dataset) SET n = r, n.createdAt = datetime(r.createdAt)`,
  DatasetVersion: `UNWIND $rows AS r CREATE (n:DatasetVersion) SET n = r, n.createdAt = datetime(r.createdAt)`,
  Job: `UNWIND $rows AS r CREATE (n:Job) SET n = r, n.createdAt = datetime(r.createdAt)`,
  Run: `UNWIND $rows AS r CREATE (n:Run) SET n = r, n.startedAt = datetime(r.startedAt), n.endedAt = datetime(r.endedAt)`,
  Commit: `UNWIND $rows AS r CREATE (n:Commit) SET n = r, n.createdAt = datetime(r.createdAt)`,
  Model: `UNWIND $rows AS r CREATE (n:Model) SET n = r, n.createdAt = datetime(r.createdAt)`,
  ModelVersion: `UNWIND $rows AS r CREATE (n:ModelVersion) SET n = r, n.createdAt = datetime(r.createdAt)`,
  Deployment: `UNWIND $rows AS r CREATE (n:Deployment) SET n = r, n.deployedAt = datetime(r.deployedAt), n.retiredAt = datetime(r.retiredAt)`,
} as const;

const rel = (from: string, type: string, to: string) => `UNWIND $rows AS r MATCH (a:${from} {id: r.a}) MATCH (b:${to} {id: r.b}) CREATE (a)-[:${type}]->(b)`;
const REL = {
  versionOfDataset: rel('DatasetVersion', 'VERSION_OF', 'Dataset'),
  versionOfModel: rel('ModelVersion', 'VERSION_OF', 'Model'),
  runOf: rel('Run', 'RUN_OF', 'Job'),
  read: rel('Run', 'READ', 'DatasetVersion'),
  wroteDataset: rel('Run', 'WROTE', 'DatasetVersion'),
  wroteModel: rel('Run', 'WROTE', 'ModelVersion'),
  ranCode: rel('Run', 'RAN_CODE', 'Commit'),
  childOf: rel('Run', 'CHILD_OF', 'Run'),
  serves: rel('Deployment', 'SERVES', 'ModelVersion'),
  succeeds: rel('Deployment', 'SUCCEEDS', 'Deployment'),
};

export interface Generated {
  shape: Shape;
  nodes: number;
  relationships: number;
}

export async function generate(db: Database, shape: Shape, log: (message: string) => void = () => undefined): Promise<Generated> {
  const { days, layers, width, models, pipelines } = shape;
  const batches = new Batches(db);
  let nodes = 0;
  let relationships = 0;
  const node = async (label: keyof typeof NODE, row: Row) => {
    nodes++;
    await batches.add(NODE[label], row);
  };
  const link = async (statement: string, a: string, b: string) => {
    relationships++;
    await batches.add(statement, { a, b });
  };
  const version = (layer: number, j: number, day: number) => ids.datasetVersion(NAMESPACE, datasetName(layer, j), `d${day}`);
  const pipelineOf = (j: number) => j % pipelines;

  // Containers: datasets, jobs, models, commits.
  for (let layer = 0; layer <= layers; layer++) {
    for (let j = 0; j < width; j++) {
      await node('Dataset', { id: ids.dataset(NAMESPACE, datasetName(layer, j)), namespace: NAMESPACE, name: datasetName(layer, j), createdAt: at(0, 0) });
      if (layer > 0) await node('Job', { id: ids.job(JOBS, jobName(layer, j)), namespace: JOBS, name: jobName(layer, j), createdAt: at(0, 0) });
    }
  }
  for (let m = 0; m < models; m++) {
    await node('Job', { id: ids.job(JOBS, `train_${m}`), namespace: JOBS, name: `train_${m}`, createdAt: at(0, 0) });
    await node('Model', { id: ids.model(modelName(m)), name: modelName(m), createdAt: at(0, 0) });
  }
  for (let p = 0; p < pipelines; p++) {
    await node('Job', { id: ids.job(JOBS, `pipeline_${p}`), namespace: JOBS, name: `pipeline_${p}`, createdAt: at(0, 0) });
    for (let block = 0; block * 10 < days; block++) {
      await node('Commit', {
        id: ids.commit(repository(p), commitSha(p, block)),
        repository: repository(p),
        sha: commitSha(p, block),
        branch: 'main',
        createdAt: at(block * 10, 0),
      });
    }
  }
  await batches.flush();

  const run = async (runId: string, job: string, day: number, hour: number, commit: string | null, parent: string | null) => {
    const id = ids.run(runId);
    await node('Run', {
      id,
      runId,
      jobId: ids.job(JOBS, job),
      state: 'COMPLETED',
      startedAt: at(day, hour),
      endedAt: at(day, hour + 0.8),
      parametersJson: '{"day":' + day + '}',
    });
    await link(REL.runOf, id, ids.job(JOBS, job));
    if (commit) await link(REL.ranCode, id, commit);
    if (parent) await link(REL.childOf, id, parent);
    return id;
  };
  const slots = new Map<string, { id: string }>();
  const deploy = async (m: number, environment: string, day: number, hours: number) => {
    const deployedAt = at(day, hours);
    const name = `${modelName(m)}-api`;
    const id = ids.deployment(name, environment, deployedAt);
    const previous = slots.get(`${name}|${environment}`);
    const mv = ids.modelVersion(modelName(m), `d${day}`);
    await node('Deployment', { id, name, environment, deployedAt, retiredAt: null, deployedBy: 'bench', modelVersionId: mv });
    await link(REL.serves, id, mv);
    if (previous) await link(REL.succeeds, id, previous.id);
    slots.set(`${name}|${environment}`, { id });
    return { id, deployedAt, previous };
  };
  const retirements: Array<{ id: string; at: string }> = [];

  for (let day = 0; day < days; day++) {
    const commitOf = (p: number) => ids.commit(repository(p), commitSha(p, Math.floor(day / 10)));
    const dagRuns = [];
    for (let p = 0; p < pipelines; p++) dagRuns.push(await run(`dag-${p}-d${day}`, `pipeline_${p}`, day, 0.5, commitOf(p), null));
    for (let j = 0; j < width; j++) {
      const id = version(0, j, day);
      await node('DatasetVersion', {
        id,
        datasetId: ids.dataset(NAMESPACE, datasetName(0, j)),
        namespace: NAMESPACE,
        name: datasetName(0, j),
        version: `d${day}`,
        digest: `sha256:${j}-${day}`,
        uri: `${NAMESPACE}/${datasetName(0, j)}/d${day}`,
        rowCount: 1000 + j,
        createdAt: at(day, 0),
      });
      await link(REL.versionOfDataset, id, ids.dataset(NAMESPACE, datasetName(0, j)));
    }
    for (let layer = 1; layer <= layers; layer++) {
      for (let j = 0; j < width; j++) {
        const p = pipelineOf(j);
        const runId = await run(`l${layer}-${j}-d${day}`, jobName(layer, j), day, layer, commitOf(p), dagRuns[p]!);
        const inputs = new Set([
          version(layer - 1, j, day),
          version(layer - 1, (j + 1) % width, day),
          version(Math.max(layer - 2, 0), (7 * j + 3) % width, day),
        ]);
        for (const input of inputs) await link(REL.read, runId, input);
        const output = version(layer, j, day);
        await node('DatasetVersion', {
          id: output,
          datasetId: ids.dataset(NAMESPACE, datasetName(layer, j)),
          namespace: NAMESPACE,
          name: datasetName(layer, j),
          version: `d${day}`,
          uri: `${NAMESPACE}/${datasetName(layer, j)}/d${day}`,
          rowCount: 500 + j,
          createdAt: at(day, layer + 0.8),
        });
        await link(REL.versionOfDataset, output, ids.dataset(NAMESPACE, datasetName(layer, j)));
        await link(REL.wroteDataset, runId, output);
      }
    }
    for (let m = 0; m < models; m++) {
      const p = m % pipelines;
      const runId = await run(`train-${m}-d${day}`, `train_${m}`, day, layers + 1, commitOf(p), dagRuns[p]!);
      const inputs = new Set([version(layers, (3 * m) % width, day), version(layers, (3 * m + 1) % width, day), version(layers, (5 * m + 2) % width, day)]);
      for (const input of inputs) await link(REL.read, runId, input);
      const mv = ids.modelVersion(modelName(m), `d${day}`);
      await node('ModelVersion', {
        id: mv,
        modelId: ids.model(modelName(m)),
        modelName: modelName(m),
        version: `d${day}`,
        artifactUri: `s3://bench-models/${m}/d${day}`,
        createdAt: at(day, layers + 1.8),
      });
      await link(REL.versionOfModel, mv, ids.model(modelName(m)));
      await link(REL.wroteModel, runId, mv);
      if (day % 5 === 0) {
        for (const [environment, hours] of [
          ['staging', 12],
          ['production', 36],
        ] as const) {
          const deployed = await deploy(m, environment, day, hours);
          if (deployed.previous) retirements.push({ id: deployed.previous.id, at: deployed.deployedAt });
        }
      }
    }
    if (day % 10 === 9) log(`day ${day + 1}/${days}: ${nodes} nodes, ${relationships} relationships`);
  }
  await batches.flush();
  for (let i = 0; i < retirements.length; i += 5_000) {
    await db.write('bench.retire', (tx) =>
      tx.rows(`UNWIND $rows AS r MATCH (d:Deployment {id: r.id}) SET d.retiredAt = datetime(r.at), d.retiredBy = 'bench'`, {
        rows: retirements.slice(i, i + 5_000),
      }),
    );
  }
  return { shape, nodes, relationships };
}

/** Start nodes for the measurements: live production deployments, raw source versions, model versions. */
export async function sampleStarts(db: Database, count: number): Promise<{ deployments: string[]; sources: string[]; modelVersions: string[] }> {
  return db.read('bench.sample', async (tx) => {
    const pick = async (query: string) => (await tx.rows<{ id: string }>(query, { count })).map((row) => row.id);
    return {
      deployments: await pick(
        `MATCH (d:Deployment {environment: 'production'}) WHERE d.retiredAt IS NULL RETURN d.id AS id ORDER BY d.id LIMIT toInteger($count)`,
      ),
      // Mid-history partitions of raw sources: read by pipelines that ran after them.
      sources: await pick(
        `MATCH (v:DatasetVersion) WHERE v.name STARTS WITH 'raw/' AND v.version = 'd30' RETURN v.id AS id ORDER BY v.id LIMIT toInteger($count)`,
      ),
      modelVersions: await pick(`MATCH (v:ModelVersion {version: 'd30'}) RETURN v.id AS id ORDER BY v.id LIMIT toInteger($count)`),
    };
  });
}
