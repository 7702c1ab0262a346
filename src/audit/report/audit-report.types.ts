import type { ReportDataQuality } from './audit-report.quality';

/**
 * An audit report, as data: what the JSON format is, and what the Markdown and HTML formats render. Every list
 * is in a fixed order and every instant an ISO-8601 UTC string, so the same report for the same instant and the
 * same trail is the same bytes, and `reportSha256` can be recomputed by anyone (see reportDigest).
 */
export interface AuditReport {
  /** The format and its version, for readers of the JSON. */
  format: 'lineage-audit-report/1';
  subject: { id: string; kind: 'Deployment' | 'ModelVersion'; label: string };
  /** The instant the report describes: the lineage as it stood then. */
  asOf: string;
  /** The deployment (for a deployment report) and the model version it serves, with the run that trained it. */
  served: {
    deployment: ReportDeployment | null;
    modelVersion: ReportModelVersion;
  };
  /** Everything upstream of the subject as of the instant: the data, the runs and the code. */
  provenance: {
    truncated: boolean;
    truncatedReason: string | null;
    datasetVersions: ReportDatasetVersion[];
    runs: ReportRun[];
    commits: ReportCommit[];
  };
  /**
   * Column level, when it is known: each feature of the model version (as its training run listed them, see
   * docs/column-lineage.md) with the source columns it comes from, on the exact dataset versions read. Null when
   * no column lineage of the model version is recorded.
   */
  features: ReportFeatures | null;
  /** Whether it stood on bad data at the instant: offending versions, checks and flags on its provenance, staleness. */
  dataQuality: ReportDataQuality;
  /** The deployments in the subject's slot (deployment report) or of the model version, in the order they happened. */
  deploymentHistory: ReportDeployment[];
  /** The audit records about the entities above, oldest first. */
  auditRecords: ReportAuditRecord[];
  auditRecordsTruncated: boolean;
  /**
   * The newest audit record the report draws on. The chain through it must verify (`npm run audit -- verify`) and
   * record `seq` must still have this hash; null when the trail holds nothing about these entities.
   */
  auditChain: { seq: number; hash: string } | null;
  /** SHA-256 (hex) of the canonical JSON of this report without this field; the same in every format. */
  reportSha256: string;
}

/** Who recorded an entity, and when: the first audit record that touched it. */
export interface RecordedBy {
  seq: number;
  at: string;
  actor: string;
  source: string;
  operation: string;
}

export interface ReportDeployment {
  id: string;
  name: string;
  environment: string;
  endpoint: string | null;
  modelVersion: string;
  deployedAt: string;
  deployedBy: string;
  /** Retired at or before the report's instant; a later retirement is not yet known then. */
  retiredAt: string | null;
  retiredBy: string | null;
  liveAsOf: boolean;
  recorded: RecordedBy | null;
}

export interface ReportModelVersion {
  id: string;
  model: string;
  version: string;
  artifactUri: string | null;
  digest: string | null;
  framework: string | null;
  metrics: Record<string, unknown> | null;
  createdAt: string;
  trainingRunId: string | null;
  recorded: RecordedBy | null;
}

export interface ReportDatasetVersion {
  id: string;
  namespace: string;
  name: string;
  version: string;
  uri: string | null;
  digest: string | null;
  rowCount: number | null;
  createdAt: string;
  /** Nothing recorded produced it (as of the instant): a raw source. */
  isSource: boolean;
  producedByRunId: string | null;
  recorded: RecordedBy | null;
}

export interface ReportRun {
  id: string;
  runId: string;
  job: string | null;
  state: string | null;
  startedAt: string | null;
  endedAt: string | null;
  parameters: Record<string, unknown> | null;
  commitSha: string | null;
  /** Labels (`namespace/name@version`) of the dataset versions it read and wrote. */
  read: string[];
  wrote: string[];
  recorded: RecordedBy | null;
}

export interface ReportFeatures {
  /** A limit cut a walk (or the model has more features than a report lists): some sources may be missing. */
  truncated: boolean;
  features: ReportFeature[];
}

export interface ReportFeature {
  name: string;
  type: string | null;
  /** By label; empty when nothing upstream of the feature is recorded. */
  sources: ReportSourceColumn[];
}

export interface ReportSourceColumn {
  /** `namespace/name@version.field` */
  column: string;
  datasetVersionId: string;
  /** Every path from this column to the feature passed through a masking transformation. */
  masked: boolean;
}

export interface ReportCommit {
  id: string;
  repository: string;
  sha: string;
  branch: string | null;
  author: string | null;
  message: string | null;
  committedAt: string | null;
  recorded: RecordedBy | null;
}

export interface ReportAuditRecord {
  seq: number;
  at: string;
  actor: string;
  source: string;
  operation: string;
  entityIds: string[];
  changes: Array<{ entityId: string; field: string; before: unknown; after: unknown }>;
  hash: string;
}

export type ReportFormat = 'json' | 'md' | 'html';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'md', 'html'];
