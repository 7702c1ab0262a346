import path from 'node:path';
import { normalizeRepository } from '../../core/ids';
import { emptyPlan, isoOfMillis, type ImportPlan, type PlannedDeployment, type PlannedRun, type PlannedVersion } from '../common/import-plan';
import type { MlflowDataset, MlflowKeyValue, MlflowModelVersion, MlflowRun, MlflowSnapshot } from './mlflow.types';

/**
 * MLflow REST JSON → an import plan, as a pure function: the same snapshot always gives the same plan, which is
 * what makes re-running an import a no-op. The mapping (and why) is in docs/import.md.
 */

export interface MlflowMapOptions {
  /** Job namespace of the experiments; the tracking URL by default. */
  namespace?: string | null;
  /** Repository of runs that recorded a commit but no repository URL. */
  repository?: string | null;
  /** Only these aliases / stages (case-insensitive) become deployments; all by default. */
  environments?: readonly string[] | null;
}

/** Who `deployedBy` names for a promotion seen in MLflow: MLflow records no user for alias or stage changes. */
export const MLFLOW_DEPLOYER = 'mlflow';
export const MLFLOW_PRODUCER = 'https://github.com/lineage/lineage/tree/main/src/importers/mlflow';

const TAG = {
  commit: 'mlflow.source.git.commit',
  repository: 'mlflow.source.git.repoURL',
  legacyRepository: 'mlflow.gitRepoURL',
  branch: 'mlflow.source.git.branch',
  note: 'mlflow.note.content',
  user: 'mlflow.user',
  /** Can be large (every logged model's flavors) and says nothing lineage needs. */
  modelHistory: 'mlflow.log-model.history',
} as const;

const DVC_MD5 = /^[0-9a-f]{32}(\.dir)?$/;
const SHA256 = /^[0-9a-f]{64}$/;
const SHA = /^[0-9a-f]{7,64}$/i;
const INACTIVE_STAGES = new Set(['none', 'archived']);

export function mapMlflow(snapshot: MlflowSnapshot, options: MlflowMapOptions = {}): ImportPlan {
  const plan = emptyPlan();
  const namespace = options.namespace ?? snapshot.trackingUrl;
  const experiments = new Map(snapshot.experiments.map((e) => [e.experiment_id, e]));
  const wanted = options.environments ? new Set(options.environments.map((e) => e.toLowerCase())) : null;
  const runMetrics = new Map<string, Record<string, number>>();

  for (const run of [...snapshot.runs].sort((a, b) => Number(a.info.start_time ?? 0) - Number(b.info.start_time ?? 0) || compare(runIdOf(a), runIdOf(b)))) {
    const planned = mapRun(run, namespace, experiments, options, plan.notes);
    if (!planned) continue;
    plan.runs.push(planned);
    if (planned.final === 'COMPLETE') runMetrics.set(planned.runId, numericMetrics(run));
  }

  for (const model of [...snapshot.registeredModels].sort((a, b) => compare(a.name, b.name))) {
    plan.models.push({ name: model.name, description: model.description ? model.description : null });
  }
  const versions = snapshot.modelVersions
    .filter((v) => (v.status ?? 'READY') === 'READY')
    .sort((a, b) => compare(a.name, b.name) || Number(a.version) - Number(b.version));
  for (const version of versions) {
    const metrics = version.run_id ? runMetrics.get(version.run_id) : undefined;
    plan.modelVersions.push({
      model: version.name,
      version: version.version,
      trainingRunId: version.run_id ? version.run_id : null,
      artifactUri: version.source ? version.source : null,
      digest: null,
      metrics: metrics && Object.keys(metrics).length > 0 ? metrics : null,
      createdAt: isoOfMillis(version.creation_timestamp),
    });
  }
  plan.deployments = mapDeployments(snapshot, versions, wanted, plan.notes);
  plan.managedSlots = {
    deployedBy: MLFLOW_DEPLOYER,
    names: snapshot.registeredModels.map((m) => m.name).sort(compare),
    environments: wanted ? [...wanted].sort(compare) : null,
  };
  return plan;
}

function mapRun(
  run: MlflowRun,
  namespace: string,
  experiments: Map<string, { name: string; tags?: MlflowKeyValue[] }>,
  options: MlflowMapOptions,
  notes: string[],
): PlannedRun | null {
  const runId = runIdOf(run);
  const status = run.info.status ?? 'RUNNING';
  if (status === 'SCHEDULED') return null;
  const tags = keyValues(run.data?.tags);
  const experiment = experiments.get(run.info.experiment_id);
  const repositoryUrl = tags[TAG.repository] ?? tags[TAG.legacyRepository] ?? options.repository ?? null;
  const repository = repositoryUrl ? normalizeRepository(repositoryUrl) : null;
  const sha = tags[TAG.commit];
  let commit: PlannedRun['commit'] = null;
  if (sha && SHA.test(sha)) {
    if (repository) commit = { repository, sha, branch: tags[TAG.branch] ?? null };
    else notes.push(`run ${runId}: commit ${sha} has no repository (MLflow recorded no ${TAG.repository}); pass --repository to record it`);
  }
  const metrics = latestMetrics(run);
  const inputs = dedupe((run.inputs?.dataset_inputs ?? []).map((input) => mapDataset(input.dataset, namespace, repository)));
  const { [TAG.modelHistory]: _history, ...keptTags } = tags;
  const final = status === 'FINISHED' ? 'COMPLETE' : status === 'FAILED' ? 'FAIL' : status === 'KILLED' ? 'ABORT' : null;
  return {
    runId,
    job: {
      namespace,
      name: experiment?.name ?? `experiment-${run.info.experiment_id}`,
      description: keyValues(experiment?.tags)[TAG.note] ?? null,
    },
    startedAt: isoOfMillis(run.info.start_time),
    endedAt: final ? isoOfMillis(run.info.end_time) : null,
    final,
    errorMessage: null,
    commit,
    parameters: nonEmpty(keyValues(run.data?.params)),
    facets: {
      mlflow_run: {
        _producer: MLFLOW_PRODUCER,
        runName: run.info.run_name ?? tags['mlflow.runName'] ?? null,
        experimentId: run.info.experiment_id,
        user: tags[TAG.user] ?? run.info.user_id ?? null,
        status,
        artifactUri: run.info.artifact_uri ?? null,
        tags: keptTags,
        metrics,
        datasets: (run.inputs?.dataset_inputs ?? []).map((input) => ({
          name: input.dataset.name,
          digest: input.dataset.digest,
          sourceType: input.dataset.source_type ?? null,
          context: keyValues(input.tags)['mlflow.data.context'] ?? null,
        })),
      },
    },
    inputs,
    outputs: [],
  };
}

/**
 * An MLflow dataset → the dataset version it names. The key is what makes an MLflow run meet the DVC stage that
 * wrote its data: a source that is a path relative to the run's repository is the file of that repository
 * (namespace = the normalised repository URL, name = the path), exactly as the DVC importer names it; a digest
 * of 32 hex digits is DVC's md5 (MLflow's own digests are 8), so the version is the same node. A URL source is
 * keyed as OpenLineage does (namespace = scheme and authority, name = the path); a source without a location
 * (a DataFrame built in code) is the dataset's name in the tracking server's namespace.
 */
export function mapDataset(dataset: MlflowDataset, namespace: string, repository: string | null): PlannedVersion {
  const location = sourceLocation(dataset.source);
  const digest = dataset.digest ?? '';
  const planned = (ns: string, name: string, uri: string | null): PlannedVersion => ({
    namespace: ns,
    name,
    version: digest || 'unknown',
    digest: DVC_MD5.test(digest) ? `md5:${digest}` : SHA256.test(digest) ? `sha256:${digest}` : null,
    uri,
  });
  if (location) {
    const url = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(\/.*)?$/i.exec(location);
    if (url && url[1]!.toLowerCase() !== 'file') return planned(`${url[1]!.toLowerCase()}://${url[2]}`, (url[3] ?? '/').replace(/^\/+/, '') || '/', location);
    const filePath = url ? decodeURIComponent(url[3] ?? '/') : location;
    if (path.posix.isAbsolute(filePath)) return planned('file', filePath, `file://${filePath}`);
    const relative = path.posix.normalize(filePath.replace(/\\/g, '/'));
    if (repository && !relative.startsWith('../')) return planned(repository, relative.replace(/^\.\//, ''), null);
    return planned(namespace, relative, null);
  }
  return planned(namespace, dataset.name || 'dataset', null);
}

function sourceLocation(source: string | undefined): string | null {
  if (!source) return null;
  try {
    const parsed = JSON.parse(source) as Record<string, unknown>;
    for (const key of ['uri', 'url', 'path']) if (typeof parsed[key] === 'string' && parsed[key]) return parsed[key] as string;
  } catch {
    return null;
  }
  return null;
}

/**
 * Aliases and stages → the live deployment of a slot: name = the registered model, environment = the alias
 * (`champion`) or the stage in lower case (`production`). MLflow keeps no history of either, so a plan states
 * only what is live now; the writer turns a change into a deployment (and an alias gone into a retirement).
 * Stages carry a time (a transition updates the version's last_updated_timestamp); aliases carry none.
 */
function mapDeployments(snapshot: MlflowSnapshot, versions: readonly MlflowModelVersion[], wanted: Set<string> | null, notes: string[]): PlannedDeployment[] {
  const ready = new Set(versions.map((v) => `${v.name}\u0000${v.version}`));
  const slots = new Map<string, PlannedDeployment>();
  const add = (deployment: PlannedDeployment) => {
    if (wanted && !wanted.has(deployment.environment.toLowerCase())) return;
    if (!ready.has(`${deployment.model}\u0000${deployment.version}`)) {
      notes.push(`${deployment.endpoint}: version ${deployment.version} is not a READY model version; not deployed`);
      return;
    }
    const key = `${deployment.name}\u0000${deployment.environment}`;
    const seen = slots.get(key);
    if (seen) {
      notes.push(`${deployment.endpoint} and ${seen.endpoint} name the same slot; ${seen.endpoint} is kept`);
      return;
    }
    slots.set(key, deployment);
  };
  for (const model of snapshot.registeredModels) {
    for (const { alias, version } of [...(model.aliases ?? [])].sort((a, b) => compare(a.alias, b.alias))) {
      add({
        name: model.name,
        environment: alias,
        model: model.name,
        version,
        endpoint: `models:/${model.name}@${alias}`,
        deployedBy: MLFLOW_DEPLOYER,
        deployedAt: null,
      });
    }
  }
  // Newest version first: with several versions in one stage, MLflow's "latest in stage" is the one that serves.
  for (const version of [...versions].sort((a, b) => compare(a.name, b.name) || Number(b.version) - Number(a.version))) {
    const stage = version.current_stage ?? 'None';
    if (INACTIVE_STAGES.has(stage.toLowerCase())) continue;
    add({
      name: version.name,
      environment: stage.toLowerCase(),
      model: version.name,
      version: version.version,
      endpoint: `models:/${version.name}/${stage}`,
      deployedBy: MLFLOW_DEPLOYER,
      deployedAt: isoOfMillis(version.last_updated_timestamp),
    });
  }
  return [...slots.values()].sort((a, b) => compare(a.name, b.name) || compare(a.environment, b.environment));
}

function runIdOf(run: MlflowRun): string {
  return run.info.run_id ?? run.info.run_uuid!;
}

function keyValues(list: readonly MlflowKeyValue[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const { key, value } of [...(list ?? [])].sort((a, b) => compare(a.key, b.key))) result[key] = value;
  return result;
}

function latestMetrics(run: MlflowRun): Record<string, number | string> {
  const result: Record<string, number | string> = {};
  for (const { key, value } of [...(run.data?.metrics ?? [])].sort((a, b) => compare(a.key, b.key))) result[key] = value;
  return result;
}

/** Model version metrics must be finite numbers (MLflow sends NaN and infinities as strings). */
function numericMetrics(run: MlflowRun): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, value] of Object.entries(latestMetrics(run))) if (typeof value === 'number' && Number.isFinite(value)) result[key] = value;
  return result;
}

function dedupe(versions: PlannedVersion[]): PlannedVersion[] {
  const seen = new Map<string, PlannedVersion>();
  for (const version of versions)
    seen.set(
      `${version.namespace}\u0000${version.name}\u0000${version.version}`,
      seen.get(`${version.namespace}\u0000${version.name}\u0000${version.version}`) ?? version,
    );
  return [...seen.values()];
}

function nonEmpty<T extends object>(value: T): T | null {
  return Object.keys(value).length > 0 ? value : null;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
