import { BadInputError, NotFoundError } from '../../errors';
import type { CommitService } from '../../lineage/commit/commit.service';
import type { DatasetService } from '../../lineage/dataset/dataset.service';
import type { DeploymentService } from '../../lineage/deployment/deployment.service';
import type { Deployment } from '../../lineage/deployment/deployment.type';
import type { Limits } from '../../limits';
import { kindOfId } from '../../core/ids';
import type { Page } from '../../core/page';
import { instant } from '../../core/validate';
import type { JobService } from '../../lineage/job/job.service';
import type { ModelService } from '../../lineage/model/model.service';
import type { ProvenanceService } from '../../lineage/questions/provenance.service';
import type { RunService } from '../../lineage/run/run.service';
import type { AuditRecord } from '../audit-record.type';
import type { AuditService } from '../audit.service';
import { reportDigest } from './audit-report.digest';
import type { AuditReport, RecordedBy, ReportAuditRecord, ReportDeployment } from './audit-report.types';

export interface AuditReportSources {
  audit: AuditService;
  provenance: ProvenanceService;
  datasets: DatasetService;
  runs: RunService;
  jobs: JobService;
  commits: CommitService;
  models: ModelService;
  deployments: DeploymentService;
}

/** Enough for any real model's lineage; a larger one says it was cut (`provenance.truncated`). */
const PROVENANCE_NODES = 5_000;
const MAX_RECORDS = 2_000;
const MAX_HISTORY = 1_000;

/**
 * Audit reports for a deployment or a model version: what was served at an instant, everything it was made
 * from (with URIs, digests, parameters and commits), who recorded and deployed each step and when, the
 * deployment history, and the audit records involved, anchored to a position in the hash chain. The report is
 * data (AuditReport); the formats only render it. It reads through the services, as any client would.
 */
export class AuditReportService {
  constructor(
    private readonly sources: AuditReportSources,
    private readonly limits: Limits,
  ) {}

  async report(subjectId: string, asOfArgument?: Date | string | null): Promise<AuditReport> {
    const { deployments, models, provenance, runs, datasets, commits, jobs, audit } = this.sources;
    const kind = kindOfId(subjectId);
    if (kind !== 'Deployment' && kind !== 'ModelVersion') {
      throw new BadInputError(
        'subject',
        `an audit report is about a Deployment or a ModelVersion; ${subjectId.slice(0, 80)} is ${kind ? `a ${kind}` : 'not a global id'}`,
      );
    }
    const asOf = instant('asOf', asOfArgument, new Date());

    const deployment = kind === 'Deployment' ? ((await deployments.findByIds([subjectId]))[0] ?? null) : null;
    if (kind === 'Deployment' && (!deployment || deployment.deployedAt.toISOString() > asOf)) {
      throw new NotFoundError('Deployment', deployment ? `${subjectId} as of ${asOf} (deployed ${deployment.deployedAt.toISOString()})` : subjectId);
    }
    const modelVersionId = deployment ? deployment.modelVersionId : subjectId;
    const [modelVersion] = await models.findVersionsByIds([modelVersionId]);
    if (!modelVersion || modelVersion.createdAt.toISOString() > asOf)
      throw new NotFoundError('ModelVersion', modelVersion ? `${modelVersionId} as of ${asOf}` : modelVersionId);
    const [trainingRunId] = await models.trainingRunIdsOf([modelVersionId]);

    const upstream = await provenance.traceProvenance({ from: subjectId, asOf, maxNodes: PROVENANCE_NODES });
    const idsOf = (wanted: string) => upstream.nodes.filter((node) => node.kind === wanted).map((node) => node.id);
    const sourceIds = new Set(upstream.sources.map((node) => node.id));
    const versionIds = idsOf('DatasetVersion');
    const runIds = idsOf('Run');
    const commitIds = idsOf('Commit');

    const [versions, producers, runList, runCommits, reads, writes, commitList] = await Promise.all([
      datasets.findVersionsByIds(versionIds),
      runs.producersOf(versionIds),
      runs.findByIds(runIds),
      runs.commitIdsOf(runIds),
      runs.datasetVersionsOf(runIds, 'READ'),
      runs.datasetVersionsOf(runIds, 'WROTE'),
      commits.findByIds(commitIds),
    ]);
    const jobList = await jobs.findByIds([...new Set(runList.flatMap((run) => (run?.jobId ? [run.jobId] : [])))]);
    const jobNames = new Map(jobList.flatMap((job) => (job ? [[job.id, `${job.namespace}/${job.name}`] as const] : [])));
    const shaOf = new Map(commitList.flatMap((commit) => (commit ? [[commit.id, commit.sha] as const] : [])));

    const history = await this.deploymentHistory(deployment, modelVersionId, asOf);
    const servedVersions = await models.findVersionsByIds([...new Set(history.map((d) => d.modelVersionId))]);
    const versionLabel = new Map(servedVersions.flatMap((v) => (v ? [[v.id, `${v.modelName}@${v.version}`] as const] : [])));

    // The evidence: records about the subject, what it serves and was made from, and its slot's deployments.
    const involved = new Set([subjectId, modelVersionId, ...versionIds, ...runIds, ...commitIds, ...history.map((d) => d.id)]);
    const touching = await audit.recordsTouching([...involved], MAX_RECORDS + 1);
    // A record about a run outside the report (a later run that read one of its sources) is not evidence for it.
    const records = touching.slice(0, MAX_RECORDS).filter((record) => record.entityIds.every((id) => kindOfId(id) !== 'Run' || involved.has(id)));
    const recorded = firstRecords(records);

    const within = (date: Date | null) => (date && date.toISOString() <= asOf ? date.toISOString() : null);
    const toDeployment = (d: Deployment): ReportDeployment => {
      const retiredAt = within(d.retiredAt);
      return {
        id: d.id,
        name: d.name,
        environment: d.environment,
        endpoint: d.endpoint,
        modelVersion: versionLabel.get(d.modelVersionId) ?? d.modelVersionId,
        deployedAt: d.deployedAt.toISOString(),
        deployedBy: d.deployedBy,
        retiredAt,
        retiredBy: retiredAt ? d.retiredBy : null,
        liveAsOf: retiredAt === null,
        recorded: recorded.get(d.id) ?? null,
      };
    };
    const label = (v: { namespace: string; name: string; version: string }) => `${v.namespace}/${v.name}@${v.version}`;
    const byText =
      <T>(key: (item: T) => string) =>
      (a: T, b: T) =>
        key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

    const withoutDigest: Omit<AuditReport, 'reportSha256'> = {
      format: 'lineage-audit-report/1',
      subject: {
        id: subjectId,
        kind,
        label: deployment
          ? `${deployment.name} (${deployment.environment}) deployed ${deployment.deployedAt.toISOString()}`
          : `${modelVersion.modelName}@${modelVersion.version}`,
      },
      asOf,
      served: {
        deployment: deployment ? toDeployment(deployment) : null,
        modelVersion: {
          id: modelVersion.id,
          model: modelVersion.modelName,
          version: modelVersion.version,
          artifactUri: modelVersion.artifactUri,
          digest: modelVersion.digest,
          framework: modelVersion.framework,
          metrics: modelVersion.metrics,
          createdAt: modelVersion.createdAt.toISOString(),
          trainingRunId: trainingRunId ? (runList.find((run) => run?.id === trainingRunId)?.runId ?? trainingRunId) : null,
          recorded: recorded.get(modelVersion.id) ?? null,
        },
      },
      provenance: {
        truncated: upstream.truncated,
        truncatedReason: upstream.truncatedReason ?? null,
        datasetVersions: versions
          .flatMap((v, i) =>
            v
              ? [
                  {
                    id: v.id,
                    namespace: v.namespace,
                    name: v.name,
                    version: v.version,
                    uri: v.uri,
                    digest: v.digest,
                    rowCount: v.rowCount,
                    createdAt: v.createdAt.toISOString(),
                    isSource: sourceIds.has(v.id),
                    producedByRunId: producers[i]?.runId ?? null,
                    recorded: recorded.get(v.id) ?? null,
                  },
                ]
              : [],
          )
          .sort(byText((v) => `${v.namespace}\u0000${v.name}\u0000${v.createdAt}\u0000${v.version}`)),
        runs: runList
          .flatMap((run, i) =>
            run
              ? [
                  {
                    id: run.id,
                    runId: run.runId,
                    job: run.jobId ? (jobNames.get(run.jobId) ?? null) : null,
                    state: run.state,
                    startedAt: run.startedAt?.toISOString() ?? null,
                    endedAt: run.endedAt?.toISOString() ?? null,
                    parameters: run.parameters,
                    commitSha: runCommits[i] ? (shaOf.get(runCommits[i]!) ?? null) : null,
                    read: reads[i]!.map(label).sort(),
                    wrote: writes[i]!.map(label).sort(),
                    recorded: recorded.get(run.id) ?? null,
                  },
                ]
              : [],
          )
          .sort(byText((run) => `${run.startedAt ?? ''}\u0000${run.runId}`)),
        commits: commitList
          .flatMap((commit) =>
            commit
              ? [
                  {
                    id: commit.id,
                    repository: commit.repository,
                    sha: commit.sha,
                    branch: commit.branch,
                    author: commit.author,
                    message: commit.message,
                    committedAt: commit.committedAt?.toISOString() ?? null,
                    recorded: recorded.get(commit.id) ?? null,
                  },
                ]
              : [],
          )
          .sort(byText((commit) => `${commit.committedAt ?? ''}\u0000${commit.sha}`)),
      },
      deploymentHistory: history.map(toDeployment),
      auditRecords: records.map(toReportRecord),
      auditRecordsTruncated: touching.length > MAX_RECORDS,
      auditChain: records.length > 0 ? { seq: records.at(-1)!.seq, hash: records.at(-1)!.hash } : null,
    };
    return { ...withoutDigest, reportSha256: reportDigest(withoutDigest) };
  }

  /** A deployment's slot history up to the instant, or every deployment of a model version up to it; oldest first. */
  private async deploymentHistory(deployment: Deployment | null, modelVersionId: string, asOf: string): Promise<Deployment[]> {
    const { deployments } = this.sources;
    let all: Deployment[];
    if (deployment) {
      all = [];
      let after: string | null = null;
      // Page by page within the page size limit, up to MAX_HISTORY deployments.
      while (all.length < MAX_HISTORY) {
        const page: Page<Deployment> = await deployments.list({ name: deployment.name, environment: deployment.environment }, this.limits.page.maxSize, after);
        all.push(...page.items.map((item) => item.node));
        if (!page.hasNextPage || page.items.length === 0) break;
        after = page.items.at(-1)!.cursor;
      }
    } else {
      [all = []] = await deployments.deploymentsOf([modelVersionId]);
    }
    return all
      .filter((d) => d.deployedAt.toISOString() <= asOf)
      .sort((a, b) => a.deployedAt.getTime() - b.deployedAt.getTime() || (a.environment < b.environment ? -1 : a.environment > b.environment ? 1 : 0));
  }
}

/** For each entity, the first record that touched it: who recorded it, and when. */
function firstRecords(records: readonly AuditRecord[]): Map<string, RecordedBy> {
  const first = new Map<string, RecordedBy>();
  for (const record of records) {
    for (const id of record.entityIds) {
      if (!first.has(id))
        first.set(id, { seq: record.seq, at: record.at.toISOString(), actor: record.actor, source: record.source, operation: record.operation });
    }
  }
  return first;
}

function toReportRecord(record: AuditRecord): ReportAuditRecord {
  return {
    seq: record.seq,
    at: record.at.toISOString(),
    actor: record.actor,
    source: record.source,
    operation: record.operation,
    entityIds: record.entityIds,
    changes: record.changes.map((change) => ({ entityId: change.entityId, field: change.field, before: change.before ?? null, after: change.after ?? null })),
    hash: record.hash,
  };
}
