import type { NormalizedCommit } from '../commit/commit.normalize';
import type { NormalizedDatasetVersion } from '../dataset/dataset.normalize';
import type { VersionValues } from '../dataset/dataset.rules';
import type { NormalizedJob } from '../job/job.normalize';
import type { ModelVersionValues } from '../model/model.rules';
import type { RunEventType } from '../vocabulary';

/**
 * What the recorder records: one change per event, already validated and normalised by its front door
 * (a GraphQL mutation, an OpenLineage event), with global ids computed. Instants are ISO-8601 UTC strings.
 */
export type LineageChange = RunChange | JobChange | DatasetChange;

/** Facets as an event reports them, by name. */
export type FacetValues = Readonly<Record<string, unknown>>;

/** A dataset named by an event, without a version. */
export interface DatasetRef {
  id: string;
  namespace: string;
  name: string;
}

/** A version an event names, with the facets it reports about it. */
export interface VersionMention extends NormalizedDatasetVersion {
  /** Where the event names it (`outputs[0]`), for the conflicts it may meet; `outputs` when unknown. */
  path?: string;
  facets: FacetValues | null;
}

export interface RunInput {
  /** Where the event names it (`inputs[2]`), for the conflicts it may meet; `inputs` when unknown. */
  path?: string;
  dataset: DatasetRef;
  /** The version read; null when the event does not say, so the run reads the version current at its read time. */
  version: NormalizedDatasetVersion | null;
  /** Write-once fields for the version read when `version` is null. */
  values: VersionValues;
  /** Dataset facets: kept on the version when it is named, else on the dataset (the event did not say which version). */
  facets: FacetValues | null;
  /** Facets of this read (OpenLineage `inputFacets`), kept on the READ relationship. */
  ioFacets: FacetValues | null;
}

export interface RunOutput extends VersionMention {
  /** Facets of this write (OpenLineage `outputFacets`), kept on the WROTE relationship. */
  ioFacets: FacetValues | null;
}

export interface ModelVersionOutput {
  /** Where the event names it (`outputs[0]`), for the conflicts it may meet. */
  path?: string;
  id: string;
  modelId: string;
  modelName: string;
  version: string;
  values: ModelVersionValues;
  facets: FacetValues | null;
  ioFacets: FacetValues | null;
}

/** The raw OpenLineage event behind a change, stored with it in the same transaction. */
export interface EventReceipt {
  /** SHA-256 (hex) of the event's canonical JSON: the same event twice is one receipt. */
  id: string;
  kind: 'run' | 'job' | 'dataset';
  eventType: string | null;
  /** The OpenLineage run id of a RunEvent (lower-cased), for audit queries. */
  runId: string | null;
  eventTime: string;
  producer: string;
  schemaURL: string;
  /** The event as canonical JSON. */
  body: string;
  receivedAt: string;
  receivedBy: string;
  source: string;
  requestId: string | null;
}

export interface RunChange {
  kind: 'run';
  event: RunEventType;
  /** Global id of the run. */
  id: string;
  runId: string;
  at: string;
  job: NormalizedJob | null;
  jobFacets: FacetValues | null;
  commit: NormalizedCommit | null;
  parameters: Record<string, unknown> | null;
  errorMessage: string | null;
  parent: { runId: string; job: NormalizedJob | null } | null;
  runFacets: FacetValues | null;
  inputs: RunInput[];
  outputs: RunOutput[];
  modelVersions: ModelVersionOutput[];
  /**
   * An input named without a version, of a dataset that had no version at the run's read time: 'reject'
   * answers NOT_FOUND (GraphQL callers should say what they read); 'observe' records a placeholder version
   * `unversioned` (OpenLineage producers often cannot know the versions of what they read).
   */
  unversionedInputs: 'reject' | 'observe';
  receipt: EventReceipt | null;
}

/** A dataset described outside a run (OpenLineage DatasetEvent, or a dataset of a JobEvent). */
export interface DatasetMention {
  /** Where the event names it (`dataset`, `outputs[1]`), for the conflicts it may meet. */
  path?: string;
  dataset: DatasetRef;
  /** The version the event names (facet `version`), if any: the facets and schema then go on it. */
  version: NormalizedDatasetVersion | null;
  facets: FacetValues | null;
}

export interface JobChange {
  kind: 'job';
  at: string;
  job: NormalizedJob;
  jobFacets: FacetValues | null;
  datasets: DatasetMention[];
  receipt: EventReceipt | null;
}

export interface DatasetChange {
  kind: 'dataset';
  at: string;
  dataset: DatasetMention;
  receipt: EventReceipt | null;
}
