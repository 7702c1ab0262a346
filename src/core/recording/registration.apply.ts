import { NotFoundError } from '../../errors';
import { alreadyLive, checkInOrder, checkReplay, checkRetiredAlready, checkRetirement } from '../deployment/deployment.rules';
import { ids } from '../ids';
import { checkTrainingRun, fillModelVersion } from '../model/model.rules';
import { checkFlagInOrder, checkFlagReplay, type FlagSnapshot } from '../quality/flag.rules';
import type {
  DatasetRegistration,
  DatasetVersionRegistration,
  DeployChange,
  FlagChange,
  LineageChange,
  ModelRegistration,
  ModelVersionRegistration,
  RetireChange,
} from './lineage-change.types';
import type { LineageState } from './lineage-state';
import { recordVersion, touchDataset, touchModel } from './mentions';

/**
 * The writes a GraphQL mutation makes besides runs: registering datasets, dataset versions, models and model
 * versions, deploying and retiring, flagging a dataset version. Applied to the recorder's state by the same rules
 * as everything else (a version's write-once fields, a model version's one training run, a slot's one live
 * deployment, a version's flags in order).
 */

export type Registration =
  DatasetRegistration | DatasetVersionRegistration | ModelRegistration | ModelVersionRegistration | DeployChange | RetireChange | FlagChange;

/** What a registration did: the entity it is about, whether it changed nothing, and for a flag the one it follows. */
export interface Registered {
  subjectId: string;
  unchanged: boolean;
  /** For a flag: the version's latest flag before it (null: its first). */
  previousFlag?: FlagSnapshot | null;
}

const REGISTRATIONS: ReadonlySet<LineageChange['kind']> = new Set([
  'registerDataset',
  'registerDatasetVersion',
  'registerModel',
  'registerModelVersion',
  'deploy',
  'retire',
  'flag',
]);

export function isRegistration(change: LineageChange): change is Registration {
  return REGISTRATIONS.has(change.kind);
}

export function applyRegistration(state: LineageState, change: Registration): Registered {
  switch (change.kind) {
    case 'registerDataset':
      touchDataset(state, change.dataset, null, change.at, change.description);
      return { subjectId: change.dataset.id, unchanged: false };
    case 'registerDatasetVersion': {
      const { version } = change;
      // The dataset first: it exists from its earliest version, and its record lists it before the version.
      touchDataset(state, { id: version.datasetId, namespace: version.namespace, name: version.name }, null, version.createdAt ?? change.at);
      state.put('version', recordVersion(version, state.get('version', version.id), change.at, false));
      return { subjectId: version.id, unchanged: false };
    }
    case 'registerModel':
      touchModel(state, change.model, change.at, change.model.description);
      return { subjectId: change.model.id, unchanged: false };
    case 'registerModelVersion':
      return { subjectId: registerModelVersion(state, change), unchanged: false };
    case 'deploy':
      return deploy(state, change);
    case 'retire':
      return retire(state, change);
    case 'flag':
      return flag(state, change);
  }
}

/**
 * A model version and the run that trained it. Without a creation time of its own it exists, like a model version a
 * run reports through OpenLineage, from its training run's end: at once if the run has ended, else from when the run
 * ends (settleOutputTimes), and from its registration until then.
 */
function registerModelVersion(state: LineageState, change: ModelVersionRegistration): string {
  const { version, trainingRun } = change;
  const before = state.get('modelVersion', version.id);
  const fill = fillModelVersion(version, before?.values ?? null, version.values);
  const run = trainingRun ? state.get('run', trainingRun.id) : null;
  if (trainingRun && !run) throw new NotFoundError('Run', trainingRun.runId);
  checkTrainingRun(version, before?.producerId ?? null, run?.id ?? null);
  const fromRun = run !== null && version.createdAt === null;
  const createdAt = before?.createdAt ?? version.createdAt ?? (fromRun ? (run.endedAt ?? change.at) : change.at);
  touchModel(state, { id: version.modelId, name: version.modelName }, createdAt);
  state.put('modelVersion', {
    id: version.id,
    modelId: version.modelId,
    modelName: version.modelName,
    version: version.version,
    createdAt,
    createdAtFromRun: before ? before.createdAtFromRun : fromRun,
    values: { ...(before?.values ?? version.values), ...fill },
    facets: before?.facets ?? null,
    producerId: run?.id ?? before?.producerId ?? null,
  });
  if (run) {
    const modelWrites = new Map(run.modelWrites);
    if (!modelWrites.has(version.id)) modelWrites.set(version.id, { ioFacets: null });
    state.put('run', { ...run, modelWrites });
  }
  return version.id;
}

/**
 * Deploys a model version to a slot and retires the deployment live there at the same instant. Deploying what is
 * already live (without an instant), or replaying a deployment with the same deployedAt, changes nothing.
 */
function deploy(state: LineageState, change: DeployChange): { subjectId: string; unchanged: boolean } {
  const { slot, modelVersion } = change;
  if (!state.get('modelVersion', modelVersion.id)) throw new NotFoundError('ModelVersion', `${modelVersion.modelName}@${modelVersion.version}`);
  const latest = state.latestInSlot(slot);
  if (change.deployedAt !== null) {
    const replay = state.get('deployment', ids.deployment(slot.name, slot.environment, change.deployedAt));
    if (replay) {
      checkReplay(slot, replay, modelVersion.id, change.deployedAt);
      return { subjectId: replay.id, unchanged: true };
    }
  } else if (alreadyLive(latest, modelVersion.id)) {
    return { subjectId: latest.id, unchanged: true };
  }
  const deployedAt = change.deployedAt ?? change.at;
  checkInOrder(slot, latest, deployedAt);
  const id = ids.deployment(slot.name, slot.environment, deployedAt);
  state.put('deployment', {
    id,
    name: slot.name,
    environment: slot.environment,
    endpoint: change.endpoint,
    deployedAt,
    deployedBy: change.deployedBy,
    retiredAt: null,
    retiredBy: null,
    modelVersionId: modelVersion.id,
    previousId: latest?.id ?? null,
  });
  if (latest) state.put('deployment', latest.retiredAt === null ? { ...latest, retiredAt: deployedAt, retiredBy: change.deployedBy } : latest);
  return { subjectId: id, unchanged: false };
}

/** Retires a deployment (by id, or the latest of a slot); retiring a retired one changes nothing. */
function retire(state: LineageState, change: RetireChange): { subjectId: string; unchanged: boolean } {
  const { target } = change;
  const deployment = 'id' in target ? state.get('deployment', target.id) : state.latestInSlot(target.slot);
  if (!deployment) throw new NotFoundError('Deployment', 'id' in target ? target.id : `${target.slot.name} in ${target.slot.environment}`);
  if (deployment.retiredAt !== null) {
    checkRetiredAlready(deployment, change.retiredAt);
    return { subjectId: deployment.id, unchanged: true };
  }
  const retiredAt = change.retiredAt ?? change.at;
  checkRetirement(deployment, retiredAt);
  state.put('deployment', { ...deployment, retiredAt, retiredBy: change.retiredBy });
  return { subjectId: deployment.id, unchanged: false };
}

/**
 * Flags a dataset version. Replaying a flag (same version and instant) changes nothing if it says the same; a
 * new flag follows the version's latest and comes after the version itself.
 */
function flag(state: LineageState, change: FlagChange): Registered {
  const { flag } = change;
  const version = state.get('version', flag.versionId);
  if (!version) throw new NotFoundError('DatasetVersion', flag.versionId);
  const latest = state.latestFlagOf(flag.versionId);
  const replay = state.get('flag', flag.id);
  if (replay) {
    checkFlagReplay(flag, replay);
    return { subjectId: replay.id, unchanged: true };
  }
  checkFlagInOrder(flag, version.createdAt, latest);
  state.put('flag', { ...flag, flaggedBy: change.flaggedBy });
  return { subjectId: flag.id, unchanged: false, previousFlag: latest };
}
