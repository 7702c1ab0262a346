import type { NormalizedCommit } from '../commit/commit.normalize';
import type { DatasetRef, NormalizedDatasetVersion } from '../dataset/dataset.normalize';
import type { VersionValues } from '../dataset/dataset.rules';
import type { NormalizedJob } from '../job/job.normalize';
import type { NormalizedModel, NormalizedModelVersion } from '../model/model.normalize';
import type { NormalizedFlag } from '../quality/flag.normalize';
import type { RunEventType } from '../vocabulary';

/**
 * What the recorder records: every write, whatever its front door (a GraphQL mutation, an OpenLineage event, the
 * CLIs, the demo), is one change, already validated and normalised, with global ids computed. Instants are
 * ISO-8601 UTC strings.
 */
export type LineageChange =
  | RunChange
  | JobChange
  | DatasetChange
  | DatasetRegistration
  | DatasetVersionRegistration
  | ModelRegistration
  | ModelVersionRegistration
  | DeployChange
  | RetireChange
  | FlagChange;

/** Facets as an event reports them, by name. */
export type FacetValues = Readonly<Record<string, unknown>>;

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

/** A model version a run produced (OpenLineage's `lineage_modelVersion` facet on an output). */
export interface ModelVersionOutput extends NormalizedModelVersion {
  /** Where the event names it (`outputs[0]`), for the conflicts it may meet. */
  path?: string;
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

/** A dataset registered (GraphQL registerDataset): created if new; its description set when given. */
export interface DatasetRegistration {
  kind: 'registerDataset';
  at: string;
  dataset: DatasetRef;
  description: string | null;
  receipt: null;
}

/** A dataset version registered (GraphQL registerDatasetVersion): created, or its write-once fields filled. */
export interface DatasetVersionRegistration {
  kind: 'registerDatasetVersion';
  at: string;
  version: NormalizedDatasetVersion;
  receipt: null;
}

/** A model registered (GraphQL registerModel): created if new; its description set when given. */
export interface ModelRegistration {
  kind: 'registerModel';
  at: string;
  model: NormalizedModel;
  receipt: null;
}

/** A model version registered, with the run that trained it if known (GraphQL registerModelVersion). */
export interface ModelVersionRegistration {
  kind: 'registerModelVersion';
  at: string;
  version: NormalizedModelVersion;
  trainingRun: { id: string; runId: string } | null;
  receipt: null;
}

/** A deployment slot: a name in an environment (`fraud-api` in `production`). */
export interface Slot {
  name: string;
  environment: string;
}

/** A model version deployed to a slot (GraphQL deployModel); the deployment live there is retired at that instant. */
export interface DeployChange {
  kind: 'deploy';
  at: string;
  slot: Slot;
  modelVersion: { id: string; modelName: string; version: string };
  endpoint: string | null;
  /** As given; without it the deployment is made at `at`, unless the version is already live in the slot. */
  deployedAt: string | null;
  deployedBy: string;
  receipt: null;
}

/** A deployment retired (GraphQL retireDeployment): by its id, or the latest of a slot. */
export interface RetireChange {
  kind: 'retire';
  at: string;
  target: { id: string } | { slot: Slot };
  /** As given; without it, `at`. */
  retiredAt: string | null;
  retiredBy: string;
  receipt: null;
}

/**
 * A person's verdict on a dataset version (GraphQL flagDatasetVersion): SUSPECT, BAD or CLEARED, with a reason.
 * A version's flags are its quality history, recorded in order (core/quality/flag.rules.ts).
 */
export interface FlagChange {
  kind: 'flag';
  at: string;
  flag: NormalizedFlag;
  flaggedBy: string;
  receipt: null;
}
