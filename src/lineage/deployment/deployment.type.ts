import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars';
import { Connection } from '../../graphql/connection';
import { Node } from '../node/node.type';

@ObjectType({
  implements: Node,
  description:
    'A model version serving in an environment from deployedAt until retiredAt. A deployment slot is a name in an environment (e.g. `fraud-api` in `production`); deploying to a slot retires the deployment live there.',
})
export class Deployment implements Node {
  kind!: 'Deployment';
  modelVersionId!: string;

  @Field(() => ID)
  id!: string;

  @Field({ description: 'Name of the deployment slot, e.g. `fraud-api`.' })
  name!: string;

  @Field({ description: 'e.g. `production`, `staging`.' })
  environment!: string;

  @Field(() => String, { nullable: true, description: 'Where it serves, e.g. `https://fraud.internal/v1/score`.' })
  endpoint!: string | null;

  @Field(() => DateTimeScalar)
  deployedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Null while live.' })
  retiredAt!: Date | null;

  @Field({ description: 'Who deployed it: the given name, else the authenticated principal.' })
  deployedBy!: string;

  @Field(() => String, { nullable: true, description: 'Who retired it (or whose deployment replaced it).' })
  retiredBy!: string | null;
}

@ObjectType()
export class DeploymentConnection extends Connection(Deployment, 'Deployment') {}
