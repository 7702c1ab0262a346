import { Field, ID, InputType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars';

@InputType({ description: 'Deploys a model version to a slot (name + environment), retiring the deployment live there at the same instant.' })
export class DeployModelInput {
  @Field({ description: 'Slot name, e.g. `fraud-api`.' })
  name!: string;

  @Field({ description: 'e.g. `production`.' })
  environment!: string;

  @Field({ description: 'Model name.' })
  model!: string;

  @Field({ description: 'Model version; it must be registered.' })
  version!: string;

  @Field(() => String, { nullable: true })
  endpoint?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Defaults to now; must not precede the deployment it replaces.' })
  deployedAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'Defaults to the authenticated principal.' })
  deployedBy?: string | null;
}

@InputType({ description: 'Retires a deployment: by id, or the live one of a slot.' })
export class RetireDeploymentInput {
  @Field(() => ID, { nullable: true })
  id?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  environment?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Defaults to now.' })
  retiredAt?: Date | null;
}
