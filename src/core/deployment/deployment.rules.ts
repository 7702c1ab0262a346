import { BadInputError, ConflictError } from '../../errors';
import type { DeploymentSnapshot } from '../recording/lineage-state';
import type { Slot } from '../recording/lineage-change.types';

/**
 * The rules of deployments, as pure functions. A slot (a name in an environment) has at most one live deployment:
 * deploying retires the one live there at the same instant. History is recorded in order, and the same call twice
 * returns what it recorded the first time.
 */

/** A replay (the same slot and deployedAt) must deploy the same model version. */
export function checkReplay(slot: Slot, replay: DeploymentSnapshot, modelVersionId: string, deployedAt: string): void {
  if (replay.modelVersionId !== modelVersionId) {
    throw new ConflictError(`${slot.name} in ${slot.environment} deployed another model version at ${deployedAt}`, { ref: replay.id });
  }
}

/** Deploying, without an instant, what is already live in the slot changes nothing. */
export function alreadyLive(latest: DeploymentSnapshot | null, modelVersionId: string): latest is DeploymentSnapshot {
  return latest !== null && latest.retiredAt === null && latest.modelVersionId === modelVersionId;
}

/** A deployment may not precede the slot's latest deployment, nor its retirement. */
export function checkInOrder(slot: Slot, latest: DeploymentSnapshot | null, deployedAt: string): void {
  if (!latest) return;
  const floor = latest.retiredAt && latest.retiredAt > latest.deployedAt ? latest.retiredAt : latest.deployedAt;
  if (deployedAt < floor) {
    throw new ConflictError(
      `deployedAt ${deployedAt} precedes the latest deployment of ${slot.name} in ${slot.environment} (${floor}); record deployments in order`,
      { ref: latest.id },
    );
  }
}

/** Retiring a retired deployment changes nothing, unless it names another instant. */
export function checkRetiredAlready(deployment: DeploymentSnapshot, retiredAt: string | null): void {
  if (retiredAt !== null && retiredAt !== deployment.retiredAt) {
    throw new ConflictError(`deployment ${deployment.id} was retired at ${deployment.retiredAt} already`, { ref: deployment.id });
  }
}

/** A deployment is retired after it was made. */
export function checkRetirement(deployment: DeploymentSnapshot, retiredAt: string): void {
  if (retiredAt < deployment.deployedAt) throw new BadInputError('retiredAt', `${retiredAt} precedes the deployment (${deployment.deployedAt})`);
}
