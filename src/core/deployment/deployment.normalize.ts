import { BadInputError } from '../../errors';
import { ids, kindOfId } from '../ids';
import type { DeployChange, RetireChange } from '../recording/lineage-change.types';
import { instant, optionalName, optionalText, requiredName, INPUT_LIMITS } from '../validate';

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

/** What a GraphQL deployModel asks the recorder to do; `actor` deployed it unless `deployedBy` says who. */
export function deployChange(input: DeployFields, actor: string, now = new Date()): DeployChange {
  const name = requiredName('name', input.name);
  const environment = requiredName('environment', input.environment);
  const model = requiredName('model', input.model);
  const version = requiredName('version', input.version, INPUT_LIMITS.version);
  const endpoint = optionalText('endpoint', input.endpoint, INPUT_LIMITS.uri);
  const deployedBy = optionalName('deployedBy', input.deployedBy) ?? actor;
  return {
    kind: 'deploy',
    at: now.toISOString(),
    slot: { name, environment },
    modelVersion: { id: ids.modelVersion(model, version), modelName: model, version },
    endpoint,
    deployedAt: input.deployedAt ? instant('deployedAt', input.deployedAt, now) : null,
    deployedBy,
    receipt: null,
  };
}

/** What a GraphQL retireDeployment asks the recorder to do: retire a deployment by id, or the latest of a slot. */
export function retireChange(input: RetireFields, actor: string, now = new Date()): RetireChange {
  const retiredAt = input.retiredAt ? instant('retiredAt', input.retiredAt, now) : null;
  let target: RetireChange['target'];
  if (input.id) {
    if (kindOfId(input.id) !== 'Deployment') throw new BadInputError('id', `'${input.id}' is not a deployment id`);
    target = { id: input.id };
  } else {
    if (!input.name || !input.environment) throw new BadInputError('id', 'give the deployment id, or both name and environment');
    target = { slot: { name: requiredName('name', input.name), environment: requiredName('environment', input.environment) } };
  }
  return { kind: 'retire', at: now.toISOString(), target, retiredAt, retiredBy: actor, receipt: null };
}
