import type { Database } from '../../db/database';
import { BadInputError } from '../../errors';
import type { Limits } from '../../limits';
import { kindOfId } from '../../core/ids';
import { optionalName } from '../../core/validate';
import { asOfArgument } from '../questions/question-arguments';
import { StalenessRepository, type StoredInput, type StoredStaleness } from './staleness.repository';

/**
 * How stale a model's training data is at an instant: for each dataset version its training run read, how many
 * versions of the same dataset were created after it (and by the instant), how much newer the newest is, and
 * how its row count moved (the first signal of drift a team can act on). Row counts come from the latest
 * `dataQualityMetrics` reported for the version by the instant, else from the version's own `rowCount`.
 */

export interface SourceStaleness {
  datasetId: string;
  dataset: { namespace: string; name: string };
  trainedOn: { id: string; version: string; createdAt: string };
  newest: { id: string; version: string; createdAt: string } | null;
  newerVersions: number;
  /** How much newer the newest version is than the one trained on. */
  newerBySeconds: number | null;
  trainedOnRowCount: number | null;
  newestRowCount: number | null;
  rowCountDrift: number | null;
  /** Drift relative to the row count trained on (0.3 = 30 % more rows). */
  rowCountDriftRatio: number | null;
}

export interface Staleness {
  modelVersionId: string;
  asOf: string;
  /** When its training run started (else when the version was recorded). */
  trainedAt: string;
  trainingRunId: string | null;
  /** The creation time of the newest dataset version it was trained on. */
  trainingDataCreatedAt: string | null;
  /** The instant asked minus trainingDataCreatedAt. */
  trainingDataAgeSeconds: number | null;
  /** Newer versions of its training datasets, all together. */
  newerVersions: number;
  sources: SourceStaleness[];
}

export interface StaleDeployment {
  deploymentId: string;
  staleness: Staleness;
}

export interface StaleDeployments {
  asOf: string;
  environments: string[] | null;
  liveDeployments: number;
  truncated: boolean;
  deployments: StaleDeployment[];
}

export class StalenessService {
  constructor(
    private readonly db: Database,
    private readonly limits: Limits,
    private readonly staleness = new StalenessRepository(),
  ) {}

  /** For deployments (the version each serves) or model versions, in key order; null for one that did not exist then. */
  async of(ids: readonly string[], asOfValue?: Date | string | null): Promise<Array<Staleness | null>> {
    const asOf = asOfArgument(asOfValue);
    return this.db.read('staleness', async (tx) => {
      const served = new Map<string, string>();
      const deploymentIds = ids.filter((id) => kindOfId(id) === 'Deployment');
      if (deploymentIds.length > 0) {
        const rows = await tx.rows<{ id: string; modelVersionId: string }>(
          `UNWIND $ids AS id MATCH (d:Deployment {id: id})-[:SERVES]->(m:ModelVersion) WHERE d.deployedAt <= datetime($asOf) RETURN d.id AS id, m.id AS modelVersionId`,
          { ids: deploymentIds, asOf },
        );
        for (const row of rows) served.set(row.id, row.modelVersionId);
      }
      for (const id of ids) {
        const kind = kindOfId(id);
        if (kind === 'ModelVersion') served.set(id, id);
        else if (kind !== 'Deployment') throw new BadInputError('id', `staleness is about a Deployment or a ModelVersion; ${id} is not one`);
      }
      const found = await this.staleness.ofModelVersions(tx, [...new Set(served.values())], asOf);
      return ids.map((id) => {
        const stored = found.get(served.get(id) ?? '');
        return stored ? toStaleness(stored, asOf) : null;
      });
    });
  }

  /** Every deployment live at the instant, the one trained on the oldest data first. */
  async staleDeployments(asOfValue?: Date | string | null, environments?: readonly string[] | null, first?: number | null): Promise<StaleDeployments> {
    const asOf = asOfArgument(asOfValue);
    const wanted = environments ? environments.map((environment, i) => optionalName(`environments[${i}]`, environment)!) : null;
    const { maxSize } = this.limits.page;
    const count = first ?? maxSize;
    if (!Number.isInteger(count) || count < 1 || count > maxSize) throw new BadInputError('first', `must be a whole number from 1 to ${maxSize}, got ${first}`);
    const budget = this.limits.traversal.maxNodes;
    return this.db.read('staleDeployments', async (tx) => {
      const live = await this.staleness.liveDeployments(tx, asOf, wanted, budget + 1);
      const kept = live.slice(0, budget);
      const found = await this.staleness.ofModelVersions(tx, [...new Set(kept.map((d) => d.modelVersionId))], asOf);
      const deployments = kept
        .flatMap((d) => {
          const stored = found.get(d.modelVersionId);
          return stored ? [{ deploymentId: d.id, staleness: toStaleness(stored, asOf) }] : [];
        })
        // Oldest training data first; a model whose training data is unknown last.
        .sort((a, b) => (a.staleness.trainingDataCreatedAt ?? '\uffff').localeCompare(b.staleness.trainingDataCreatedAt ?? '\uffff'))
        .slice(0, count);
      return { asOf, environments: wanted, liveDeployments: kept.length, truncated: live.length > kept.length, deployments };
    });
  }
}

function toStaleness(stored: StoredStaleness, asOf: string): Staleness {
  const sources = stored.inputs.map(toSource);
  const newestTrainedOn = stored.inputs.reduce<Date | null>((max, input) => (max === null || input.createdAt > max ? input.createdAt : max), null);
  return {
    modelVersionId: stored.modelVersionId,
    asOf,
    trainedAt: (stored.trainingRun?.startedAt ?? stored.createdAt).toISOString(),
    trainingRunId: stored.trainingRun?.id ?? null,
    trainingDataCreatedAt: newestTrainedOn?.toISOString() ?? null,
    trainingDataAgeSeconds: newestTrainedOn ? seconds(new Date(asOf).getTime() - newestTrainedOn.getTime()) : null,
    newerVersions: sources.reduce((sum, source) => sum + source.newerVersions, 0),
    sources,
  };
}

function toSource(input: StoredInput): SourceStaleness {
  const trainedOnRowCount = input.metricsRowCount ?? input.rowCount;
  const newestRowCount = input.newest ? (input.newest.metricsRowCount ?? input.newest.rowCount) : null;
  const drift = trainedOnRowCount !== null && newestRowCount !== null ? newestRowCount - trainedOnRowCount : null;
  return {
    datasetId: input.datasetId,
    dataset: { namespace: input.namespace, name: input.name },
    trainedOn: { id: input.id, version: input.version, createdAt: input.createdAt.toISOString() },
    newest: input.newest ? { id: input.newest.id, version: input.newest.version, createdAt: input.newest.createdAt.toISOString() } : null,
    newerVersions: input.newerVersions,
    newerBySeconds: input.newest ? seconds(input.newest.createdAt.getTime() - input.createdAt.getTime()) : null,
    trainedOnRowCount,
    newestRowCount,
    rowCountDrift: drift,
    rowCountDriftRatio: drift !== null && trainedOnRowCount ? Math.round((drift / trainedOnRowCount) * 10_000) / 10_000 : null,
  };
}

function seconds(ms: number): number {
  return Math.round(ms / 1000);
}
