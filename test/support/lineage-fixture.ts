import { ids } from '../../src/core/ids';
import { dataOf } from './graphql';
import type { TestService } from './service';

/**
 * Builds a hand-made lineage graph through the GraphQL mutations (the real front door), under one namespace: dataset
 * and job namespace `ns`, run ids `ns-<name>`, model `ns-model`, deployment slots `ns-<slot>`, repository
 * `https://example.com/ns/repo`. `sig` renders answer nodes without the namespace, so expectations read plainly.
 */

export type VersionRef = [name: string, version: string];

export interface RunSpec {
  name: string;
  job: string;
  start?: string;
  end?: string;
  inputs?: VersionRef[];
  outputs?: VersionRef[];
  commit?: string;
  parent?: string;
  parameters?: Record<string, unknown>;
  /** How the run ends: COMPLETE (default), FAIL, or RUNNING (never ends). */
  outcome?: 'COMPLETE' | 'FAIL' | 'RUNNING';
}

const START = `mutation($input: RunInput!) { startRun(input: $input) { id } }`;
const COMPLETE = `mutation($input: RunInput!) { completeRun(input: $input) { id } }`;
const FAIL = `mutation($input: RunInput!) { failRun(input: $input) { id } }`;

export class LineageFixture {
  readonly repository: string;

  constructor(
    readonly service: TestService,
    readonly ns: string,
  ) {
    this.repository = `https://example.com/${ns}/repo`;
  }

  runId(name: string): string {
    return `${this.ns}-${name}`;
  }

  sha(name: string): string {
    return Buffer.from(name).toString('hex').padEnd(40, '0').slice(0, 40);
  }

  async source(name: string, version: string, createdAt: string, extra: Record<string, unknown> = {}): Promise<void> {
    dataOf(
      await this.service.graphql(`mutation($input: DatasetVersionInput!) { registerDatasetVersion(input: $input) { id } }`, {
        input: { namespace: this.ns, name, version, createdAt, uri: `s3://${this.ns}/${name}/${version}`, digest: `sha256:${name}-${version}`, ...extra },
      }),
    );
  }

  async run(spec: RunSpec): Promise<void> {
    const base = {
      runId: this.runId(spec.name),
      job: { namespace: this.ns, name: spec.job },
      parameters: spec.parameters ?? null,
      parentRunId: spec.parent ? this.runId(spec.parent) : null,
      commit: spec.commit ? { repository: this.repository, sha: this.sha(spec.commit) } : null,
    };
    const inputs = (spec.inputs ?? []).map(([name, version]) => ({ namespace: this.ns, name, version }));
    const outputs = (spec.outputs ?? []).map(([name, version]) => ({ namespace: this.ns, name, version, uri: `s3://${this.ns}/${name}/${version}` }));
    if (spec.start) dataOf(await this.service.graphql(START, { input: { ...base, at: spec.start, inputs } }));
    if (spec.outcome === 'RUNNING') return;
    const end = { ...base, at: spec.end, inputs: spec.start ? [] : inputs, outputs, errorMessage: spec.outcome === 'FAIL' ? 'failed' : null };
    dataOf(await this.service.graphql(spec.outcome === 'FAIL' ? FAIL : COMPLETE, { input: end }));
  }

  async modelVersion(version: string, trainingRun: string | null, extra: Record<string, unknown> = {}): Promise<void> {
    dataOf(
      await this.service.graphql(`mutation($input: RegisterModelVersionInput!) { registerModelVersion(input: $input) { id } }`, {
        input: {
          model: `${this.ns}-model`,
          version,
          trainingRunId: trainingRun ? this.runId(trainingRun) : null,
          artifactUri: `s3://${this.ns}/model/${version}`,
          ...extra,
        },
      }),
    );
  }

  async deploy(slot: string, environment: string, version: string, deployedAt: string): Promise<string> {
    const { deployModel } = dataOf<any>(
      await this.service.graphql(`mutation($input: DeployModelInput!) { deployModel(input: $input) { id } }`, {
        input: { name: `${this.ns}-${slot}`, environment, model: `${this.ns}-model`, version, deployedAt },
      }),
    );
    return deployModel.id;
  }

  async retire(id: string, retiredAt: string): Promise<void> {
    dataOf(await this.service.graphql(`mutation($input: RetireDeploymentInput!) { retireDeployment(input: $input) { id } }`, { input: { id, retiredAt } }));
  }

  dataset(name: string): string {
    return ids.dataset(this.ns, name);
  }

  version(name: string, version: string): string {
    return ids.datasetVersion(this.ns, name, version);
  }

  model(version: string): string {
    return ids.modelVersion(`${this.ns}-model`, version);
  }

  commit(name: string): string {
    return ids.commit(this.repository, this.sha(name));
  }

  job(name: string): string {
    return ids.job(this.ns, name);
  }

  runNode(name: string): string {
    return ids.run(this.runId(name));
  }

  /** `depth name` of an answer node: runs by their fixture name, anything else by its label without the namespace. */
  sig(node: { kind: string; label: string; depth?: number | null; isSource?: boolean; properties?: Record<string, unknown> }): string {
    const name = node.kind === 'RUN' ? `run ${String(node.properties?.runId).replace(`${this.ns}-`, '')}` : node.label.split(this.ns).join('NS');
    const depth = node.depth === undefined || node.depth === null ? '' : `${node.depth} `;
    return `${depth}${name}${node.isSource ? ' (source)' : ''}`;
  }

  /** Removes everything this fixture created. */
  async cleanup(): Promise<void> {
    await this.service.db.write('cleanup', (tx) =>
      tx.rows(
        `MATCH (n) WHERE n.namespace = $ns OR n.runId STARTS WITH $ns OR n.modelName STARTS WITH $ns OR n.name STARTS WITH $ns OR n.repository = $repository
         DETACH DELETE n`,
        { ns: this.ns, repository: this.repository },
      ),
    );
  }
}

/** The fields every question test selects on nodes. */
export const NODE_FIELDS = 'id kind label depth isSource isLive hasMoreUpstream hasMoreDownstream properties';
