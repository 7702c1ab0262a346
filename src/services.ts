import { AuditService } from './audit/audit.service';
import { AuditReportService } from './audit/report/audit-report.service';
import { ApiKeyService } from './auth/api-key.service';
import type { Database } from './db/database';
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
  audit: AuditService;
  auditReports: AuditReportService;
  /** The limits in force (LIMIT_* settings), for the front doors that check one themselves. */
  limits: Readonly<Limits>;
}

export interface ServiceOptions {
  /** AUTH_KEY_CACHE_MS: how long a verified API key is trusted without a lookup. */
  keyCacheMs?: number;
  /** The LIMIT_* settings the services enforce; DEFAULT_LIMITS when not given (the CLIs that need none). */
  limits?: Limits;
}

export function createServices(db: Database, version: string, options: ServiceOptions = {}): Services {
  const limits: Readonly<Limits> = Object.freeze(structuredClone(options.limits ?? DEFAULT_LIMITS));
  const audit = new AuditService(db, limits);
  const datasets = new DatasetService(db, limits, audit);
  const jobs = new JobService(db, limits);
  const commits = new CommitService(db, limits);
  const recorder = new LineageRecorder(db, audit);
  const runs = new RunService(db, limits, recorder);
  const models = new ModelService(db, limits, audit);
  const deployments = new DeploymentService(db, limits, audit);
  const provenance = new ProvenanceService(db, limits);
  return {
    serviceInfo: () => ({ version, database: db.databaseName }),
    datasets,
    jobs,
    commits,
    runs,
    models,
    deployments,
    apiKeys: new ApiKeyService(db, audit, options.keyCacheMs ?? 30_000),
    openlineage: new IngestionService(db, limits, recorder),
    provenance,
    impact: new ImpactService(db, limits),
    reproduction: new ReproductionService(db, limits),
    lineageGraph: new LineageGraphService(db, limits),
    search: new SearchService(db),
    audit,
    auditReports: new AuditReportService({ audit, provenance, datasets, runs, jobs, commits, models, deployments }, limits),
    limits,
  };
}
