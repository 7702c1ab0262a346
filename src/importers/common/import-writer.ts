import { sameData } from '../../core/canonical-json';
import { facetValuesOf } from '../../core/facets';
import { ids } from '../../core/ids';
import type { WriteContext } from '../../core/write-context';
import type { Deployment } from '../../lineage/deployment/deployment.type';
import type { DatasetVersion } from '../../lineage/dataset/dataset-version.type';
import type { ModelVersion } from '../../lineage/model/model-version.type';
import type { RunEventFields } from '../../core/run/run.normalize';
import type { RunEventType } from '../../core/vocabulary';
import type { Run } from '../../lineage/run/run.type';
import { ConflictError, LimitExceededError, LineageError } from '../../errors';
import type { Services } from '../../services';
import type { ImportPlan, PlannedDeployment, PlannedModelVersion, PlannedRun, PlannedVersion } from './import-plan';

/** Runs compared with the graph per round trip. */
const CHUNK = 200;

export interface ImportTally {
  /** Entities written (a run, a model, a model version, a deployment or a retirement). */
  recorded: number;
  /** Entities the graph already held exactly as planned: no call, no audit record. */
  unchanged: number;
  rejected: number;
  /** One line per rejection: what, and the service's error code and message. */
  rejections: string[];
  notes: string[];
}

export type Progress = (done: number, total: number, tally: ImportTally) => void;

/**
 * Records an import plan through the services every front door uses (so each write is checked by the same
 * rules and audited), after comparing it with the graph: what is already recorded as planned is skipped
 * without a call, so re-running an unchanged import writes nothing and appends no audit record. A rejected
 * item (a CONFLICT with what is recorded, say) is reported and the others go on.
 */
export class ImportWriter {
  constructor(
    private readonly services: Services,
    private readonly context: WriteContext,
    /** The import's own time: when a change the source does not date was observed. */
    private readonly now: () => Date = () => new Date(),
  ) {}

  async write(plan: ImportPlan, progress: Progress = () => {}): Promise<ImportTally> {
    const tally: ImportTally = { recorded: 0, unchanged: 0, rejected: 0, rejections: [], notes: [...plan.notes] };
    const total = plan.runs.length + plan.models.length + plan.modelVersions.length + plan.deployments.length;
    let done = 0;
    for (let start = 0; start < plan.runs.length; start += CHUNK) {
      const chunk = plan.runs.slice(start, start + CHUNK);
      await this.writeRuns(chunk, tally);
      done += chunk.length;
      progress(done, total, tally);
    }
    for (const model of plan.models) {
      await this.attempt(tally, `model ${model.name}`, async () => {
        const recorded = await this.services.models.findByName(model.name);
        if (recorded && (model.description === null || recorded.description === model.description)) return false;
        await this.services.models.registerModel(this.context, model);
        return true;
      });
      progress(++done, total, tally);
    }
    const versions = await this.services.models.findVersionsByIds(plan.modelVersions.map((v) => ids.modelVersion(v.model, v.version)));
    const trainers = await this.services.models.trainingRunIdsOf(plan.modelVersions.map((v) => ids.modelVersion(v.model, v.version)));
    const trainingRuns = await this.services.runs.findByIds(plan.modelVersions.map((v) => ids.run(v.trainingRunId ?? '-')));
    for (const [index, planned] of plan.modelVersions.entries()) {
      let version = planned;
      if (planned.trainingRunId && !trainingRuns[index]) {
        // A run MLflow deleted, or one in an experiment not imported: the version is recorded without it.
        tally.notes.push(
          `model version ${planned.model}@${planned.version}: its run ${planned.trainingRunId} is not recorded; registered without a training run`,
        );
        version = { ...planned, trainingRunId: null };
      }
      await this.attempt(tally, `model version ${version.model}@${version.version}`, async () => {
        if (sameModelVersion(version, versions[index] ?? null, trainers[index] ?? null)) return false;
        await this.services.models.registerModelVersion(this.context, version);
        return true;
      });
      progress(++done, total, tally);
    }
    await this.writeDeployments(plan, tally);
    progress(total, total, tally);
    return tally;
  }

  private async writeRuns(runs: readonly PlannedRun[], tally: ImportTally): Promise<void> {
    const runIds = runs.map((run) => ids.run(run.runId));
    const [recorded, reads, writes, commits] = await Promise.all([
      this.services.runs.findByIds(runIds),
      this.services.runs.datasetVersionsOf(runIds, 'READ'),
      this.services.runs.datasetVersionsOf(runIds, 'WROTE'),
      this.services.runs.commitIdsOf(runIds),
    ]);
    const versionIds = [...new Set(runs.flatMap((run) => [...run.inputs, ...run.outputs].map(versionIdOf)))];
    const [versions, producers] = await Promise.all([this.services.datasets.findVersionsByIds(versionIds), this.services.runs.producersOf(versionIds)]);
    const known = new Map(versionIds.map((id, index) => [id, { version: versions[index] ?? null, producer: producers[index] ?? null }]));

    for (const [index, planned] of runs.entries()) {
      const state: RecordedRun = {
        run: recorded[index] ?? null,
        reads: new Set(reads[index]!.map((v) => v.id)),
        writes: new Set(writes[index]!.map((v) => v.id)),
        commitId: commits[index] ?? null,
      };
      const outputs = planned.outputs.filter((output) => {
        const producer = known.get(versionIdOf(output))?.producer;
        if (!producer || producer.runId === planned.runId) return true;
        // Content-addressed versions (DVC) repeat when two executions write the same bytes: the first writer keeps them.
        tally.notes.push(`${planned.runId}: ${output.name}@${output.version} was already written by run ${producer.runId}; not recorded as written again`);
        return false;
      });
      const calls = runCalls(
        { ...planned, outputs: outputs.map((o) => withoutKnownValues(o, known)), inputs: planned.inputs.map((i) => withoutKnownValues(i, known)) },
        state,
        this.now().toISOString(),
      );
      await this.attempt(tally, `run ${planned.runId}`, async () => {
        for (const call of calls) await this.services.runs.recordRunEvent(this.context, call.event, call.fields);
        return calls.length > 0;
      });
    }
  }

  private async writeDeployments(plan: ImportPlan, tally: ImportTally): Promise<void> {
    const observedAt = this.now().toISOString();
    for (const deployment of plan.deployments) {
      await this.attempt(tally, `deployment ${deployment.name} (${deployment.environment})`, async () => {
        const live = await this.services.deployments.live(deployment.name, deployment.environment);
        if (live && live.modelVersionId === ids.modelVersion(deployment.model, deployment.version)) return false;
        const deployedAt = deployedAtFor(deployment, live, observedAt);
        try {
          await this.services.deployments.deploy(this.context, { ...deployment, deployedAt });
        } catch (error) {
          // The source's time precedes a change recorded since (a retirement, another door's deployment): the slot's
          // history stays in order, so the change is dated when this import saw it.
          if (!(error instanceof ConflictError) || deployedAt === observedAt) throw error;
          await this.services.deployments.deploy(this.context, { ...deployment, deployedAt: observedAt });
        }
        return true;
      });
    }
    if (!plan.managedSlots) return;
    const stated = new Set(plan.deployments.map((d) => `${d.name}\u0000${d.environment}`));
    for (const name of plan.managedSlots.names) {
      const live = await this.liveIn(name);
      for (const deployment of live) {
        const environments = plan.managedSlots.environments;
        if (environments && !environments.includes(deployment.environment.toLowerCase())) continue;
        if (deployment.deployedBy !== plan.managedSlots.deployedBy || stated.has(`${deployment.name}\u0000${deployment.environment}`)) continue;
        await this.attempt(tally, `retirement of ${deployment.name} (${deployment.environment})`, async () => {
          const retiredAt = deployment.deployedAt.toISOString() > observedAt ? deployment.deployedAt.toISOString() : observedAt;
          await this.services.deployments.retire(this.context, { id: deployment.id, retiredAt });
          return true;
        });
      }
    }
  }

  private async liveIn(name: string): Promise<Deployment[]> {
    const found: Deployment[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await this.services.deployments.list({ name, live: true }, 100, after);
      found.push(...page.items.map((item) => item.node));
      if (!page.hasNextPage || page.items.length === 0) return found;
      after = page.items[page.items.length - 1]!.cursor;
    }
  }

  private async attempt(tally: ImportTally, what: string, write: () => Promise<boolean>): Promise<void> {
    try {
      if (await retried(write)) tally.recorded++;
      else tally.unchanged++;
    } catch (error) {
      if (!(error instanceof LineageError)) throw error;
      tally.rejected++;
      tally.rejections.push(`${what}: ${error.code} ${error.message}`);
    }
  }
}

/** Attempts at a write that timed out: a busy database (another writer holding the audit chain) is no reason to give up. */
const TIMEOUT_ATTEMPTS = 3;

/**
 * A write that ran out of time rolled back whole and every call is idempotent, so it is simply made again, after
 * a pause that grows; any other error is the answer.
 */
async function retried<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof LimitExceededError && error.message.includes('NEO4J_TX_TIMEOUT_MS')) || attempt >= TIMEOUT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
    }
  }
}

interface RecordedRun {
  run: Run | null;
  reads: Set<string>;
  writes: Set<string>;
  commitId: string | null;
}

/**
 * The run events that bring the graph from what it holds to the planned run; none when it holds it already.
 * A new run is recorded as it happened (START at its start, its end at its end); a recorded one is completed by
 * its final event if it ended since, else by an OTHER event dated now with what is missing (new tags, a
 * dataset logged late): OTHER changes no state and, being the latest, its facets win.
 */
export function runCalls(planned: PlannedRun, recorded: RecordedRun, now: string): Array<{ event: RunEventType; fields: RunEventFields }> {
  const base = { runId: planned.runId };
  if (!recorded.run) {
    const start = planned.startedAt ?? planned.endedAt ?? now;
    const first: RunEventFields = {
      ...base,
      job: planned.job,
      at: start,
      commit: planned.commit,
      parameters: planned.parameters,
      facets: planned.facets,
      inputs: planned.inputs,
    };
    if (!planned.final) return [{ event: 'START', fields: { ...first, outputs: planned.outputs } }];
    if (!planned.startedAt)
      return [{ event: planned.final, fields: { ...first, at: planned.endedAt ?? now, outputs: planned.outputs, errorMessage: planned.errorMessage } }];
    return [
      { event: 'START', fields: first },
      { event: planned.final, fields: { ...base, at: planned.endedAt ?? now, outputs: planned.outputs, errorMessage: planned.errorMessage } },
    ];
  }
  const missing: RunEventFields = { ...base };
  let changed = false;
  const inputs = planned.inputs.filter((input) => !recorded.reads.has(versionIdOf(input)));
  const outputs = planned.outputs.filter((output) => !recorded.writes.has(versionIdOf(output)));
  if (inputs.length > 0) [missing.inputs, changed] = [inputs, true];
  if (outputs.length > 0) [missing.outputs, changed] = [outputs, true];
  const parameters = Object.fromEntries(Object.entries(planned.parameters ?? {}).filter(([key, value]) => !sameData(recorded.run!.parameters?.[key], value)));
  if (Object.keys(parameters).length > 0) [missing.parameters, changed] = [parameters, true];
  if (planned.commit && recorded.commitId === null) [missing.commit, changed] = [planned.commit, true];
  const facets = facetValuesOf(recorded.run.facetsJson) ?? {};
  const newFacets = Object.fromEntries(Object.entries(planned.facets ?? {}).filter(([name, value]) => !sameData(facets[name], value)));
  if (Object.keys(newFacets).length > 0) [missing.facets, changed] = [newFacets, true];
  if (planned.final && recorded.run.state === 'RUNNING') {
    return [{ event: planned.final, fields: { ...missing, at: planned.endedAt ?? now, errorMessage: planned.errorMessage } }];
  }
  return changed ? [{ event: 'OTHER', fields: { ...missing, at: now } }] : [];
}

/**
 * A version's write-once values that the graph already holds are not sent again: a digest recorded by another
 * importer in another spelling of the same hash (DVC 2's `md5-dos2unix:` and DVC 3's `md5:` of one file) would
 * otherwise refuse the whole run as a CONFLICT.
 */
function withoutKnownValues(version: PlannedVersion, known: Map<string, { version: DatasetVersion | null }>): PlannedVersion {
  const recorded = known.get(versionIdOf(version))?.version;
  if (!recorded) return version;
  const sameHash = (a: string | null | undefined, b: string | null | undefined) => !!a && !!b && a.split(':').pop() === b.split(':').pop();
  return {
    ...version,
    digest: recorded.digest && (recorded.digest === version.digest || sameHash(recorded.digest, version.digest)) ? null : version.digest,
    uri: recorded.uri && recorded.uri === version.uri ? null : version.uri,
  };
}

function sameModelVersion(planned: PlannedModelVersion, recorded: ModelVersion | null, trainingRunId: string | null): boolean {
  if (!recorded) return false;
  const same = (given: unknown, stored: unknown) => given === null || sameData(given, stored);
  return (
    same(planned.artifactUri, recorded.artifactUri) &&
    same(planned.digest, recorded.digest) &&
    same(planned.metrics, recorded.metrics) &&
    (planned.trainingRunId === null || trainingRunId === ids.run(planned.trainingRunId))
  );
}

/** The source's time if it has one and it keeps the slot's history in order; else the import's own time. */
function deployedAtFor(deployment: PlannedDeployment, live: Deployment | null, observedAt: string): string {
  const floor = live ? live.deployedAt.toISOString() : null;
  if (deployment.deployedAt && (!floor || deployment.deployedAt > floor) && deployment.deployedAt <= observedAt) return deployment.deployedAt;
  // A clock behind the slot's latest deployment: just after it, so the history stays in order (and the new
  // deployment's id, derived from its time, is its own).
  return floor && floor >= observedAt ? new Date(new Date(floor).getTime() + 1).toISOString() : observedAt;
}

function versionIdOf(version: PlannedVersion): string {
  return ids.datasetVersion(version.namespace, version.name, version.version);
}
