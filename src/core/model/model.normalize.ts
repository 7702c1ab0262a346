import { ids } from '../ids';
import type { ModelRegistration, ModelVersionRegistration } from '../recording/lineage-change.types';
import { inputPath, instant, optionalName, optionalText, requiredName, INPUT_LIMITS, type FieldPath } from '../validate';
import { checkModelVersionValues, type ModelVersionValueFields, type ModelVersionValues } from './model-version.label';

export interface ModelFields {
  name: string;
  description?: string | null;
}

export interface ModelVersionFields extends ModelVersionValueFields {
  model: string;
  version: string;
  trainingRunId?: string | null;
  createdAt?: Date | string | null;
}

export interface NormalizedModel {
  id: string;
  name: string;
  description: string | null;
}

/** A model version input after validation, with its ids computed. */
export interface NormalizedModelVersion {
  id: string;
  modelId: string;
  modelName: string;
  version: string;
  /** Given by the caller; otherwise the version exists from its training run's end, or from when it was recorded. */
  createdAt: string | null;
  values: ModelVersionValues;
}

export function normalizeModel(input: ModelFields, path: FieldPath): NormalizedModel {
  const name = requiredName(path('name'), input.name);
  return { id: ids.model(name), name, description: optionalText(path('description'), input.description) };
}

/** Checks a model version: its model and version, and its write-once values (model-version.label). */
export function normalizeModelVersion(input: Omit<ModelVersionFields, 'trainingRunId'>, path: FieldPath): NormalizedModelVersion {
  const modelName = requiredName(path('model'), input.model);
  const version = requiredName(path('version'), input.version, INPUT_LIMITS.version);
  const values = checkModelVersionValues(input, path);
  const createdAt = input.createdAt ? instant(path('createdAt'), input.createdAt, new Date()) : null;
  return { id: ids.modelVersion(modelName, version), modelId: ids.model(modelName), modelName, version, createdAt, values };
}

/** What a GraphQL registerModel asks the recorder to do. */
export function modelRegistration(input: ModelFields, now = new Date()): ModelRegistration {
  return { kind: 'registerModel', at: now.toISOString(), model: normalizeModel(input, inputPath()), receipt: null };
}

/** What a GraphQL registerModelVersion asks the recorder to do: the version, and the run that trained it. */
export function modelVersionRegistration(input: ModelVersionFields, now = new Date()): ModelVersionRegistration {
  const version = normalizeModelVersion(input, inputPath());
  const trainingRunId = optionalName('trainingRunId', input.trainingRunId, INPUT_LIMITS.version);
  return {
    kind: 'registerModelVersion',
    at: now.toISOString(),
    version,
    trainingRun: trainingRunId === null ? null : { id: ids.run(trainingRunId), runId: trainingRunId },
    receipt: null,
  };
}
