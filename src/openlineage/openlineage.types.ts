import type { RunEventType, RunState } from '../core/vocabulary';

/**
 * OpenLineage events as they arrive (spec 2-0-x, https://openlineage.io/spec/2-0-2/OpenLineage.json) and the
 * ingestion plan we map them to. The raw types describe only what the validator checks; everything else an
 * event carries (custom facets, unknown top-level properties) is kept, which is why they are open records.
 *
 * Optional fields may be `null`: Jackson and Go producers write `null` for unset fields, and the validator
 * treats `null` like an absent optional field (a required field must not be null).
 */

/** A facet: `_producer` and `_schemaURL` by convention, then anything. Facet contents are kept as sent. */
export type Facet = Record<string, unknown>;
/** Facets by name; a `null` facet is treated as absent. */
export type Facets = Record<string, Facet | null>;

export interface RawJob {
  /** Required by the spec; read through `jobNamespaceOf` (openlineage.defaults.ts). */
  namespace?: unknown;
  name: string;
  facets?: Facets | null;
  [property: string]: unknown;
}

export interface RawRun {
  runId: string;
  facets?: Facets | null;
  [property: string]: unknown;
}

export interface RawDataset {
  namespace: string;
  name: string;
  facets?: Facets | null;
  [property: string]: unknown;
}

export interface RawInputDataset extends RawDataset {
  inputFacets?: Facets | null;
}

export interface RawOutputDataset extends RawDataset {
  outputFacets?: Facets | null;
}

interface RawBaseEvent {
  /** RFC 3339 date-time with an offset, any fraction length. */
  eventTime: string;
  /** URI of the producer; required by the spec, but read through `producerOf` (openlineage.defaults.ts). */
  producer?: unknown;
  /** URI of the spec version the event follows; read through `schemaUrlOf`. */
  schemaURL?: unknown;
  [property: string]: unknown;
}

export interface RunEvent extends RawBaseEvent {
  eventType?: RunEventType | null;
  run: RawRun;
  job: RawJob;
  inputs?: RawInputDataset[] | null;
  outputs?: RawOutputDataset[] | null;
}

export interface JobEvent extends RawBaseEvent {
  eventType?: RunEventType | null;
  job: RawJob;
  run?: undefined;
  dataset?: undefined;
  inputs?: RawInputDataset[] | null;
  outputs?: RawOutputDataset[] | null;
}

export interface DatasetEvent extends RawBaseEvent {
  eventType?: RunEventType | null;
  dataset: RawDataset;
  run?: undefined;
  job?: undefined;
}

export type OpenLineageEvent = RunEvent | JobEvent | DatasetEvent;
export type EventKind = 'run' | 'dataset' | 'job';

declare const validEvent: unique symbol;
/** An event that went through `validateEvent`; only the validator makes one, so the mapper can trust it. */
export type ValidEvent = OpenLineageEvent & { readonly [validEvent]: true };

/**
 * One problem with an event. `path` is a JavaScript-like path into the event (`run.runId`, `outputs[2].name`,
 * `run.facets["spark.logicalPlan"]`); the empty string means the event as a whole.
 */
export interface ValidationIssue {
  path: string;
  message: string;
}

/**
 * Accepted events come with warnings: what the event got wrong that does not stop it from becoming lineage
 * (a missing producer, say), each with the path and what was recorded instead.
 */
export type ValidationResult =
  | {
      ok: true;
      event: ValidEvent;
      warnings: ValidationIssue[];
      /** Paths of the parts of the event not to read (see `Warnings` in openlineage.checks.ts). */
      setAside: ReadonlySet<string>;
    }
  | { ok: false; errors: ValidationIssue[] };

// ---------------------------------------------------------------------------------------------------------
// The ingestion plan: what the graph services record for one event. Pure data, JSON-serialisable.
// ---------------------------------------------------------------------------------------------------------

export interface JobPlan {
  namespace: string;
  name: string;
  /** All job facets as sent (null facets dropped). */
  facets: Record<string, unknown>;
}

export interface ParentRunPlan {
  /** Lower-cased, like `RunPlan.runId`. */
  runId: string;
  job: { namespace: string; name: string };
}

export interface RunPlan {
  /** The event's `run.runId`, lower-cased when a UUID (UUIDs are case-insensitive; one run must not become two). */
  runId: string;
  /** START/RUNNING → RUNNING, COMPLETE → COMPLETED, FAIL → FAILED, ABORT → ABORTED, OTHER or absent → null (no change). */
  state: RunState | null;
  /** The event time of a START or RUNNING event, else null. Events may arrive out of order: keep the earliest. */
  startedAt: string | null;
  /** The event time of a COMPLETE, FAIL or ABORT event, else null. */
  endedAt: string | null;
  /** Run facet `errorMessage.message`; its `programmingLanguage` and `stackTrace` stay in `facets`. */
  errorMessage: string | null;
  /**
   * Run parameters from the spec's `executionParameters` facet (key → value) and our `lineage_parameters`
   * facet (its `parameters` object, which wins on a shared key); null when the run carries neither.
   */
  parameters: Record<string, unknown> | null;
  /** Where the parameters are checked from (for errors): ours when sent, else the spec's facet. */
  parametersPath: string;
  /** Run facet `parent`. */
  parent: ParentRunPlan | null;
  /** All run facets as sent (null facets dropped). */
  facets: Record<string, unknown>;
}

export interface CommitPlan {
  /** `repoUrl`, else `url`, of the job facet `sourceCodeLocation` with `type` git. */
  repository: string;
  /** The facet's `version`: the commit SHA, as sent. */
  sha: string;
  branch: string | null;
  path: string | null;
  /** The facet's `url` (the file or tree the job runs from). */
  url: string | null;
  /** The JSON path `repository` was read from (`repoUrl` or `url` of the facet), for errors. */
  repositoryPath: string;
}

export type VersionSource = 'facet' | 'derived-from-run' | 'unknown';

export interface SchemaFieldPlan {
  /** Nested fields are flattened with dotted names (`address.city`), the parent listed before its children. */
  name: string;
  type: string | null;
  description: string | null;
  /** The field's JSON path in the event (`outputs[0].facets.schema.fields[1].fields[0]`), for errors. */
  path: string;
}

export interface DatasetPlan {
  /** The dataset's JSON path in the event (`inputs[0]`, `outputs[2]`, `dataset`): the errors about it name it. */
  path: string;
  namespace: string;
  name: string;
  /**
   * Dataset facet `version.datasetVersion`; for an output without it, `run-<runId>` (the run that wrote it);
   * for an input without it, null: the service resolves the version current at the run's time.
   */
  version: string | null;
  versionSource: VersionSource;
  /** The JSON path of the version facet's `datasetVersion` when the version came from it, else null. */
  versionPath: string | null;
  /** The `schema` facet's fields, flattened; null when there is no schema facet. */
  schemaFields: SchemaFieldPlan[] | null;
  /** Output facet `outputStatistics.rowCount`, input facet `inputStatistics.rowCount` (or `dataQualityMetrics.rowCount`). */
  rowCount: number | null;
  /** The JSON path `rowCount` was read from, or null. */
  rowCountPath: string | null;
  /** Output facet `outputStatistics.size`, input facet `inputStatistics.size` (or `dataQualityMetrics.bytes`). */
  bytes: number | null;
  /** The `columnLineage` dataset facet as sent. */
  columnLineage: unknown | null;
  /** A storage URI when the namespace (or a symlink's) makes it obvious; see docs/openlineage-mapping.md. */
  uri: string | null;
  /** All dataset facets as sent (null facets dropped). */
  facets: Record<string, unknown>;
  /**
   * The `inputFacets` of an input or the `outputFacets` of an output, as sent. Kept apart from `facets`
   * because they describe this run's read or write rather than the dataset, and share names with dataset
   * facets (`dataQualityMetrics` is both).
   */
  ioFacets: Record<string, unknown>;
}

export interface ModelVersionPlan {
  /** The JSON path of the `lineage_modelVersion` facet in the event, for errors. */
  path: string;
  name: string;
  version: string;
  artifactUri: string | null;
  framework: string | null;
  metrics: Record<string, number> | null;
  /** The output dataset that carried the `lineage_modelVersion` facet. */
  dataset: { namespace: string; name: string };
  /** All dataset facets of that output, the model facet included. */
  facets: Record<string, unknown>;
  /** The output's `outputFacets`, as sent. */
  ioFacets: Record<string, unknown>;
}

export interface IngestPlan {
  kind: EventKind;
  eventType: RunEventType | null;
  /** ISO-8601 in UTC with milliseconds (`2024-05-01T10:00:00.123Z`); finer fractions are truncated. */
  eventTime: string;
  producer: string;
  job: JobPlan | null;
  run: RunPlan | null;
  commit: CommitPlan | null;
  inputs: DatasetPlan[];
  /** Outputs that are not model versions, in event order. */
  outputs: DatasetPlan[];
  /** Outputs marked with the `lineage_modelVersion` facet, in event order. */
  modelVersions: ModelVersionPlan[];
  /** The dataset of a DatasetEvent. */
  dataset: DatasetPlan | null;
}
