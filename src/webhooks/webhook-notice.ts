import type { AtRiskAnswer } from '../lineage/quality/quality-assessment.service';
import type { ClaimedDelivery } from './webhook.repository';

/**
 * The JSON body of a notice: what happened (the failed checks, the flag) to which dataset version, and the live
 * deployments whose provenance holds that version as of when the notice was composed, each with the path to it
 * and whether it now stands on bad data. Composed once, on the first attempt, and sent as the same bytes on
 * every attempt.
 */
export interface NoticeVersion {
  id: string;
  namespace: string;
  name: string;
  version: string;
}

export function composeNotice(delivery: ClaimedDelivery, version: NoticeVersion | null, answer: AtRiskAnswer, composedAt: string): string {
  const details = JSON.parse(delivery.detailsJson) as Record<string, unknown>;
  const deployments = answer.assessments.flatMap((assessment) => {
    const toSubject = assessment.offending.find((offending) => offending.version.id === delivery.datasetVersionId);
    if (!toSubject) return [];
    const reasons = assessment.offending.filter(
      (offending) => offending.quality.status === 'BAD' || offending.quality.status === 'SUSPECT' || offending.quality.status === 'FAILED',
    );
    const props = assessment.start.properties;
    return [
      {
        id: assessment.start.id,
        name: props.name,
        environment: props.environment,
        deployedAt: props.deployedAt,
        modelVersion: `${String(props.model)}@${String(props.modelVersion)}`,
        atRisk: reasons.length > 0,
        datasetVersionStatus: toSubject.quality.status,
        path: toSubject.path.nodes.map((node) => ({ id: node.id, kind: node.kind, label: node.label })),
        offendingVersions: reasons.map((offending) => ({ id: offending.version.id, label: offending.version.label, status: offending.quality.status })),
      },
    ];
  });
  return JSON.stringify({
    id: delivery.id,
    type: delivery.type,
    occurredAt: delivery.at.toISOString(),
    ...details,
    datasetVersion: version ?? { id: delivery.datasetVersionId },
    liveDeployments: {
      asOf: composedAt,
      atRisk: deployments.filter((deployment) => deployment.atRisk).length,
      truncated: answer.cut !== null,
      deployments,
    },
  });
}
