import { AuditService, type AuditAnchoring } from './audit/audit.service';
import { AuditReportService } from './audit/report/audit-report.service';
import { ApiKeyService, type ApiKeyCacheSettings } from './auth/api-key.service';
import type { Database } from './db/database';
import { ColumnLineageService } from './lineage/column/column-lineage.service';
import { DEFAULT_LIMITS, type Limits } from './limits';
import { CommitService } from './lineage/commit/commit.service';
import { DatasetService } from './lineage/dataset/dataset.service';
import { DeploymentService } from './lineage/deployment/deployment.service';
import { JobService } from './lineage/job/job.service';
import { ModelService } from './lineage/model/model.service';
import { LineageRecorder } from './core/recording/lineage.recorder';
import { RunService } from './lineage/run/run.service';
import { IngestionService } from './openlineage/ingestion.service';
import { ImpactService } from './lineage/questions/impact.service';
import { LineageGraphService } from './lineage/questions/lineage-graph.service';
import { ProvenanceService } from './lineage/questions/provenance.service';
import { ReproductionService } from './lineage/questions/reproduction.service';
import { SearchService } from './lineage/questions/search.service';
import type { ServiceInfo } from './system/service-info.type';
import { QualityRecordingHook } from './lineage/quality/quality-recording.hook';
import { QualityService } from './lineage/quality/quality.service';
import { QualityAssessmentService } from './lineage/quality/quality-assessment.service';
import { StalenessService } from './lineage/quality/staleness.service';
import { WebhookOutboxRepository } from './webhooks/webhook-outbox.repository';
import { WebhookService } from './webhooks/webhook.service';

/** The services the front doors (GraphQL, OpenLineage route, CLI) may call; built once in the composition root. */
export interface Services {
  serviceInfo(): ServiceInfo;
  datasets: DatasetService;
  jobs: JobService;
  commits: CommitService;
  runs: RunService;
  models: ModelService;
  deployments: DeploymentService;
  apiKeys: ApiKeyService;
  openlineage: IngestionService;
  provenance: ProvenanceService;
  impact: ImpactService;
  reproduction: ReproductionService;
  lineageGraph: LineageGraphService;
  search: SearchService;
  columns: ColumnLineageService;
  audit: AuditService;
  auditReports: AuditReportService;
  quality: QualityService;
  qualityAssessment: QualityAssessmentService;
  staleness: StalenessService;
  webhooks: WebhookService;
  /** The limits in force (LIMIT_* settings), for the front doors that check one themselves. */
  limits: Readonly<Limits>;
}

export interface ServiceOptions {
  /** WEBHOOK_ALLOW_HTTP: webhook URLs may be plain http:// beyond loopback. */
  webhookAllowHttp?: boolean;
  /** AUDIT_HMAC_KEY and AUDIT_ANCHOR_FILE (see AuditService). */
  auditAnchoring?: AuditAnchoring;
  /** AUTH_KEY_CACHE_MS and AUTH_REVOCATION_CHECK_MS (see ApiKeyService). */
  keyCache?: ApiKeyCacheSettings;
  /** The LIMIT_* settings the services enforce; DEFAULT_LIMITS when not given (the CLIs that need none). */
  limits?: Limits;
}

export function createServices(db: Database, version: string, options: ServiceOptions = {}): Services {
  const limits: Readonly<Limits> = Object.freeze(structuredClone(options.limits ?? DEFAULT_LIMITS));
  const audit = new AuditService(db, limits, undefined, undefined, options.auditAnchoring);
  const notices = new WebhookOutboxRepository();
  // A transaction mentions at most one event's worth of datasets at LIMIT_EVENT_DATASETS (inputs and outputs).
  const recorder = new LineageRecorder(db, audit, undefined, undefined, [new QualityRecordingHook(notices)], 2 * limits.ingestion.eventDatasets);
  const datasets = new DatasetService(db, limits, recorder);
  const jobs = new JobService(db, limits);
  const commits = new CommitService(db, limits);
  const runs = new RunService(db, limits, recorder);
  const models = new ModelService(db, limits, recorder);
  const deployments = new DeploymentService(db, limits, recorder);
  const provenance = new ProvenanceService(db, limits);
  const columns = new ColumnLineageService(db, limits);
  const quality = new QualityService(db, recorder, notices);
  const qualityAssessment = new QualityAssessmentService(db, limits);
  const staleness = new StalenessService(db, limits);
  return {
    serviceInfo: () => ({ version, database: db.databaseName }),
    datasets,
    jobs,
    commits,
    runs,
    models,
    deployments,
    apiKeys: new ApiKeyService(db, audit, options.keyCache ?? { cacheMs: 30_000, revocationCheckMs: 1_000 }),
    openlineage: new IngestionService(db, limits, recorder),
    provenance,
    impact: new ImpactService(db, limits),
    reproduction: new ReproductionService(db, limits),
    lineageGraph: new LineageGraphService(db, limits),
    search: new SearchService(db),
    columns,
    audit,
    auditReports: new AuditReportService(
      { audit, provenance, datasets, runs, jobs, commits, models, deployments, quality, qualityAssessment, staleness, columns },
      limits,
    ),
    quality,
    qualityAssessment,
    staleness,
    webhooks: new WebhookService(db, limits, audit, options.webhookAllowHttp ?? false),
    limits,
  };
}
