import { fromJsonProperty, toJsonProperty } from '../json-property';
import { boundedList, optionalCount, optionalName, optionalText, requiredName, INPUT_LIMITS, type FieldPath } from '../validate';

/**
 * The `DatasetVersion` label, described once: its write-once values (how a front door's value is checked and stored,
 * how the API shows it), the properties every version has, the Cypher projection every repository returns, the row
 * that projection yields, and what the recorder and the API make of a row. The recorder's load and write, the read
 * repositories, the normalizer and the rules all take the values from here, so a new value of a version is one
 * entry in VALUES (plus its GraphQL field and input field, which are the API's).
 */

/** One field of a version's schema, as a front door sends it and as the API shows it. */
export interface SchemaFieldValue {
  name: string;
  type: string | null;
  description: string | null;
}

/** The write-once values as a front door sends them (GraphQL inputs, run inputs and outputs, the OpenLineage mapper). */
export interface VersionValueFields {
  digest?: string | null;
  uri?: string | null;
  schema?: ReadonlyArray<{ name: string; type?: string | null; description?: string | null }> | null;
  rowCount?: number | null;
}

/**
 * Each write-once value: `check` validates what a front door sent and returns it as stored (null when not sent),
 * naming the field by the caller's path; `show`, when the API shows it otherwise than as stored, says how and under
 * which name. A later call may fill a value that was unknown, never change one (dataset.rules).
 */
const VALUES = {
  digest: { check: (input: VersionValueFields, path: FieldPath) => optionalName(path('digest'), input.digest, INPUT_LIMITS.version) },
  uri: { check: (input: VersionValueFields, path: FieldPath) => optionalText(path('uri'), input.uri, INPUT_LIMITS.uri) },
  schemaJson: {
    check: (input: VersionValueFields, path: FieldPath): string | null => {
      const fields = boundedList(path('schema'), input.schema).map((field, index) => ({
        name: requiredName(path('schema', index, 'name'), field.name),
        type: optionalText(path('schema', index, 'type'), field.type, INPUT_LIMITS.name),
        description: optionalText(path('schema', index, 'description'), field.description),
      }));
      return input.schema ? toJsonProperty(fields) : null;
    },
  },
  rowCount: { check: (input: VersionValueFields, path: FieldPath) => optionalCount(path('rowCount'), input.rowCount) },
};

type ValueName = keyof typeof VALUES;

/** The write-once values as stored, one property each. */
export type VersionValues = { [K in ValueName]: ReturnType<(typeof VALUES)[K]['check']> };

export const VERSION_VALUE_NAMES = Object.keys(VALUES) as ValueName[];

/** A version none of whose values is known (an input named without them). */
export const NO_VERSION_VALUES: Readonly<VersionValues> = Object.freeze(Object.fromEntries(VERSION_VALUE_NAMES.map((name) => [name, null])) as VersionValues);

/** Checks the values a front door sent, each named by `path` in the caller's terms. */
export function checkVersionValues(input: VersionValueFields, path: FieldPath): VersionValues {
  return Object.fromEntries(VERSION_VALUE_NAMES.map((name) => [name, VALUES[name].check(input, path)])) as VersionValues;
}

/**
 * The properties of every stored version: its key (set once, on creation), its values, when it came into existence
 * (from its writer's end when `createdAtFromRun`, see run.rules settleOutputTimes), when its writer's events gave
 * each value (`valuesAtJson`, see run.rules reviseOutput), its dataset facets as stored.
 */
const PROPERTIES = [
  'id',
  'datasetId',
  'namespace',
  'name',
  'version',
  ...VERSION_VALUE_NAMES,
  'valuesAtJson',
  'createdAt',
  'createdAtFromRun',
  'facetsJson',
] as const;

/**
 * The map projection every query of a version returns (`n` the variable; `extra` adds computed entries, e.g. the
 * recorder's producing run). `kind` lets the API resolve the Node interface.
 */
export function datasetVersionProjection(n: string, extra = ''): string {
  return `${n} { ${PROPERTIES.map((property) => `.${property}`).join(', ')}, kind: 'DatasetVersion'${extra ? `, ${extra}` : ''} }`;
}

/** A version as the projection returns it. */
export type StoredDatasetVersion = VersionValues & {
  kind: 'DatasetVersion';
  id: string;
  datasetId: string;
  namespace: string;
  name: string;
  version: string;
  createdAt: Date;
  createdAtFromRun: boolean | null;
  valuesAtJson: string | null;
  facetsJson: string | null;
};

/** The values of a stored version. */
export function versionValuesOf(stored: VersionValues): VersionValues {
  return Object.fromEntries(VERSION_VALUE_NAMES.map((name) => [name, stored[name] ?? null])) as VersionValues;
}

/** A version as the API shows it: as stored, but its schema as a list and without the recorder's bookkeeping. */
export type DatasetVersionView = Omit<StoredDatasetVersion, 'schemaJson' | 'createdAtFromRun' | 'valuesAtJson'> & { schema: SchemaFieldValue[] | null };

export function datasetVersionView(stored: StoredDatasetVersion): DatasetVersionView {
  const { schemaJson, createdAtFromRun, valuesAtJson, ...shown } = stored;
  return { ...shown, schema: fromJsonProperty<SchemaFieldValue[]>(schemaJson) };
}
