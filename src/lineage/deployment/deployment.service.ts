import type { Database, Tx } from '../../db/database';
import type { Limits } from '../../limits';
import { deployChange, retireChange, type DeployFields, type RetireFields } from '../../core/deployment/deployment.normalize';
import { inKeyOrder } from '../../core/key-order';
import { pageRequest, type Page } from '../../core/page';
import type { DeployChange, RetireChange } from '../../core/recording/lineage-change.types';
import type { LineageRecorder } from '../../core/recording/lineage.recorder';
import { instant, optionalName, requiredName } from '../../core/validate';
import type { WriteContext } from '../../core/write-context';
import { DeploymentRepository } from './deployment.repository';
import type { Deployment } from './deployment.type';

export class DeploymentService {
  constructor(
    private readonly db: Database,
    private readonly limits: Limits,
    private readonly recorder: LineageRecorder,
    private readonly deployments = new DeploymentRepository(),
  ) {}

  /**
   * Deploys a model version to a slot (name + environment) and retires the deployment live there at the same
   * instant, in one transaction. Idempotent: deploying what is already live in the slot, or replaying a
   * deployment with the same deployedAt, returns the recorded deployment. History is recorded in order: a
   * deployment may not precede the slot's latest one. The rules are core's (deployment.rules).
   */
  deploy(context: WriteContext, input: DeployFields): Promise<Deployment> {
    const change = deployChange(input, context.actor);
    return this.db.write('deployModel', (tx) => this.record(tx, context, change));
  }

  /** Retires a deployment (by id, or the live one of a slot). Retiring a retired deployment changes nothing. */
  retire(context: WriteContext, input: RetireFields): Promise<Deployment> {
    const change = retireChange(input, context.actor);
    return this.db.write('retireDeployment', (tx) => this.record(tx, context, change));
  }

  private async record(tx: Tx, context: WriteContext, change: DeployChange | RetireChange): Promise<Deployment> {
    const { subjectId } = await this.recorder.recordOne(tx, context, change);
    return (await this.deployments.findByIds(tx, [subjectId!])).get(subjectId!)!;
  }

  findByIds(deploymentIds: readonly string[]): Promise<Array<Deployment | null>> {
    return this.db.read('deploymentsByIds', async (tx) => inKeyOrder(deploymentIds, await this.deployments.findByIds(tx, deploymentIds)));
  }

  /** The live deployment of a slot, or null; with `asOf`, the one that was live at that instant. */
  live(name: string, environment: string, asOf?: Date | string | null): Promise<Deployment | null> {
    const slotName = requiredName('name', name);
    const slotEnvironment = requiredName('environment', environment);
    if (asOf !== undefined && asOf !== null) {
      const at = instant('asOf', asOf, new Date());
      return this.db.read('liveDeploymentAt', (tx) => this.deployments.liveInSlotAt(tx, slotName, slotEnvironment, at));
    }
    return this.db.read('liveDeployment', async (tx) => {
      const latest = await this.deployments.latestInSlot(tx, slotName, slotEnvironment);
      return latest && latest.retiredAt === null ? latest : null;
    });
  }

  deploymentsOf(modelVersionIds: readonly string[]): Promise<Deployment[][]> {
    return this.db.read('modelVersionDeployments', async (tx) => {
      const found = await this.deployments.deploymentsOf(tx, modelVersionIds);
      return modelVersionIds.map((id) => found.get(id) ?? []);
    });
  }

  neighboursOf(deploymentIds: readonly string[], direction: 'previous' | 'next'): Promise<Array<Deployment | null>> {
    return this.db.read(`deploymentNeighbours.${direction}`, async (tx) =>
      inKeyOrder(deploymentIds, await this.deployments.neighboursOf(tx, deploymentIds, direction)),
    );
  }

  list(
    filter: { environment?: string | null; name?: string | null; live?: boolean | null },
    first?: number | null,
    after?: string | null,
  ): Promise<Page<Deployment>> {
    const normalized = { environment: optionalName('environment', filter.environment), name: optionalName('name', filter.name), live: filter.live ?? null };
    const request = pageRequest(first, after, this.limits.page);
    return this.db.read('listDeployments', (tx) => this.deployments.list(tx, normalized, request));
  }
}
