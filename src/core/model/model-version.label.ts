import { fromJsonProperty, toJsonProperty } from '../json-property';
import { optionalJsonObject, optionalName, optionalText, INPUT_LIMITS, type FieldPath } from '../validate';
import { checkMetrics } from './model.rules';

/**
 * The `ModelVersion` label, described once (as dataset-version.label does for dataset versions): its write-once
 * values, its properties, the projection every repository returns, its row, and what the recorder and the API make
 * of a row. A new value of a model version is one entry in VALUES, plus its GraphQL field and input field.
 */

/** The write-once values as a front door sends them (registerModelVersion, OpenLineage's lineage_modelVersion facet). */
export interface ModelVersionValueFields {
  artifactUri?: string | null;
  digest?: string | null;
  framework?: string | null;
  metrics?: Record<string, unknown> | null;
}

/** Each write-once value: `check` validates what a front door sent and returns it as stored (null when not sent). */
const VALUES = {
  artifactUri: { check: (input: ModelVersionValueFields, path: FieldPath) => optionalText(path('artifactUri'), input.artifactUri, INPUT_LIMITS.uri) },
  digest: { check: (input: ModelVersionValueFields, path: FieldPath) => optionalName(path('digest'), input.digest, INPUT_LIMITS.version) },
  framework: { check: (input: ModelVersionValueFields, path: FieldPath) => optionalName(path('framework'), input.framework, INPUT_LIMITS.version) },
  metricsJson: {
    // Metrics must be numbers, so that they can be compared across versions.
    check: (input: ModelVersionValueFields, path: FieldPath): string | null => {
      const metrics = optionalJsonObject(path('metrics'), input.metrics);
      checkMetrics(path('metrics'), metrics);
      return toJsonProperty(metrics);
    },
  },
};

type ValueName = keyof typeof VALUES;

/** The write-once values as stored, one property each. */
export type ModelVersionValues = { [K in ValueName]: ReturnType<(typeof VALUES)[K]['check']> };

export const MODEL_VERSION_VALUE_NAMES = Object.keys(VALUES) as ValueName[];

export function checkModelVersionValues(input: ModelVersionValueFields, path: FieldPath): ModelVersionValues {
  return Object.fromEntries(MODEL_VERSION_VALUE_NAMES.map((name) => [name, VALUES[name].check(input, path)])) as ModelVersionValues;
}

/** The properties of every stored model version: its key, its values, when it came into existence, its facets. */
const PROPERTIES = ['id', 'modelId', 'modelName', 'version', ...MODEL_VERSION_VALUE_NAMES, 'createdAt', 'createdAtFromRun', 'facetsJson'] as const;

/** The map projection every query of a model version returns (`extra` adds computed entries). */
export function modelVersionProjection(n: string, extra = ''): string {
  return `${n} { ${PROPERTIES.map((property) => `.${property}`).join(', ')}, kind: 'ModelVersion'${extra ? `, ${extra}` : ''} }`;
}

/** A model version as the projection returns it. */
export type StoredModelVersion = ModelVersionValues & {
  kind: 'ModelVersion';
  id: string;
  modelId: string;
  modelName: string;
  version: string;
  createdAt: Date;
  createdAtFromRun: boolean | null;
  facetsJson: string | null;
};

export function modelVersionValuesOf(stored: ModelVersionValues): ModelVersionValues {
  return Object.fromEntries(MODEL_VERSION_VALUE_NAMES.map((name) => [name, stored[name] ?? null])) as ModelVersionValues;
}

/** A model version as the API shows it: its metrics as an object, without the recorder's bookkeeping. */
export type ModelVersionView = Omit<StoredModelVersion, 'metricsJson' | 'createdAtFromRun'> & { metrics: Record<string, unknown> | null };

export function modelVersionView(stored: StoredModelVersion): ModelVersionView {
  const { metricsJson, createdAtFromRun, ...shown } = stored;
  return { ...shown, metrics: fromJsonProperty<Record<string, unknown>>(metricsJson) };
}
