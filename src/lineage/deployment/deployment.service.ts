import type { AuditLog } from '../../core/audit-log';
import type { Database, Tx } from '../../db/database';
import type { Limits } from '../../limits';
import { BadInputError, ConflictError, NotFoundError } from '../../errors';
import { ids, kindOfId } from '../../core/ids';
import { inKeyOrder } from '../../core/key-order';
import { pageRequest, type Page } from '../../core/page';
import { instant, optionalName, optionalText, requiredName, INPUT_LIMITS } from '../../core/validate';
import type { WriteContext } from '../../core/write-context';
import { ModelRepository } from '../model/model.repository';
import { DeploymentRepository } from './deployment.repository';
import type { Deployment } from './deployment.type';

export interface DeployFields {
  name: string;
  environment: string;
  model: string;
  version: string;
  endpoint?: string | null;
  deployedAt?: Date | string | null;
  deployedBy?: string | null;
}

export interface RetireFields {
  id?: string | null;
  name?: string | null;
  environment?: string | null;
  retiredAt?: Date | string | null;
}

export class DeploymentService {
  constructor(
    private readonly db: Database,
    private readonly limits: Limits,
    private readonly audit: AuditLog,
    private readonly deployments = new DeploymentRepository(),
    private readonly models = new ModelRepository(),
  ) {}

  /**
   * Deploys a model version to a slot (name + environment) and retires the deployment live there at the same
   * instant, in one transaction. Idempotent: deploying what is already live in the slot, or replaying a
   * deployment with the same deployedAt, returns the recorded deployment. History is recorded in order: a
   * deployment may not precede the slot's latest one.
   */
  async deploy(context: WriteContext, input: DeployFields): Promise<Deployment> {
    const name = requiredName('name', input.name);
    const environment = requiredName('environment', input.environment);
    const model = requiredName('model', input.model);
    const version = requiredName('version', input.version, INPUT_LIMITS.version);
    const endpoint = optionalText('endpoint', input.endpoint, INPUT_LIMITS.uri);
    const deployedBy = optionalName('deployedBy', input.deployedBy) ?? context.actor;
    const explicitAt = input.deployedAt ? instant('deployedAt', input.deployedAt, new Date()) : null;
    const modelVersionId = ids.modelVersion(model, version);

    return this.db.write('deployModel', async (tx) => {
      if (!(await this.models.findVersionsByIds(tx, [modelVersionId])).has(modelVersionId)) {
        throw new NotFoundError('ModelVersion', `${model}@${version}`);
      }
      const latest = await this.deployments.latestInSlot(tx, name, environment);
      if (explicitAt) {
        const replayId = ids.deployment(name, environment, explicitAt);
        const replay = (await this.deployments.findByIds(tx, [replayId])).get(replayId);
        if (replay) {
          if (replay.modelVersionId !== modelVersionId) {
            throw new ConflictError(`${name} in ${environment} deployed another model version at ${explicitAt}`, { ref: replayId });
          }
          await this.audit.append(tx, context, [{ operation: 'deployModel', entityIds: [replay.id, modelVersionId], details: { unchanged: true } }]);
          return replay;
        }
      }
      if (latest && latest.retiredAt === null && latest.modelVersionId === modelVersionId && explicitAt === null) {
        await this.audit.append(tx, context, [{ operation: 'deployModel', entityIds: [latest.id, modelVersionId], details: { unchanged: true } }]);
        return latest;
      }

      const deployedAt = explicitAt ?? new Date().toISOString();
      const floor = latest ? (latest.retiredAt && latest.retiredAt > latest.deployedAt ? latest.retiredAt : latest.deployedAt) : null;
      if (floor && new Date(deployedAt) < floor) {
        throw new ConflictError(
          `deployedAt ${deployedAt} precedes the latest deployment of ${name} in ${environment} (${floor.toISOString()}); record deployments in order`,
          { ref: latest!.id },
        );
      }
      const id = ids.deployment(name, environment, deployedAt);
      await this.deployments.create(tx, { id, name, environment, endpoint, deployedAt, deployedBy, modelVersionId, previousId: latest?.id ?? null });
      const retired = latest && latest.retiredAt === null;
      await this.audit.append(tx, context, [
        {
          operation: 'deployModel',
          entityIds: [id, modelVersionId, ...(latest ? [latest.id] : [])],
          changes: retired
            ? [
                { entityId: latest.id, field: 'retiredAt', before: null, after: deployedAt },
                { entityId: latest.id, field: 'retiredBy', before: null, after: deployedBy },
              ]
            : [],
          details: { slot: { name, environment }, deployedBy },
        },
      ]);
      return (await this.deployments.findByIds(tx, [id])).get(id)!;
    });
  }

  /** Retires a deployment (by id, or the live one of a slot). Retiring a retired deployment changes nothing. */
  async retire(context: WriteContext, input: RetireFields): Promise<Deployment> {
    const explicitAt = input.retiredAt ? instant('retiredAt', input.retiredAt, new Date()) : null;
    return this.db.write('retireDeployment', async (tx) => {
      const deployment = await this.findTarget(tx, input);
      if (deployment.retiredAt !== null) {
        if (explicitAt && new Date(explicitAt).getTime() !== deployment.retiredAt.getTime()) {
          throw new ConflictError(`deployment ${deployment.id} was retired at ${deployment.retiredAt.toISOString()} already`, { ref: deployment.id });
        }
        await this.audit.append(tx, context, [{ operation: 'retireDeployment', entityIds: [deployment.id], details: { unchanged: true } }]);
        return deployment;
      }
      const retiredAt = explicitAt ?? new Date().toISOString();
      if (new Date(retiredAt) < deployment.deployedAt) {
        throw new BadInputError('retiredAt', `${retiredAt} precedes the deployment (${deployment.deployedAt.toISOString()})`);
      }
      await this.deployments.retire(tx, deployment.id, retiredAt, context.actor);
      await this.audit.append(tx, context, [
        {
          operation: 'retireDeployment',
          entityIds: [deployment.id],
          changes: [
            { entityId: deployment.id, field: 'retiredAt', before: null, after: retiredAt },
            { entityId: deployment.id, field: 'retiredBy', before: null, after: context.actor },
          ],
        },
      ]);
      return (await this.deployments.findByIds(tx, [deployment.id])).get(deployment.id)!;
    });
  }

  private async findTarget(tx: Tx, input: RetireFields): Promise<Deployment> {
    if (input.id) {
      if (kindOfId(input.id) !== 'Deployment') throw new BadInputError('id', `'${input.id}' is not a deployment id`);
      const found = (await this.deployments.findByIds(tx, [input.id])).get(input.id);
      if (!found) throw new NotFoundError('Deployment', input.id);
      return found;
    }
    if (!input.name || !input.environment) throw new BadInputError('id', 'give the deployment id, or both name and environment');
    const name = requiredName('name', input.name);
    const environment = requiredName('environment', input.environment);
    const latest = await this.deployments.latestInSlot(tx, name, environment);
    if (!latest) throw new NotFoundError('Deployment', `${name} in ${environment}`);
    return latest;
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
