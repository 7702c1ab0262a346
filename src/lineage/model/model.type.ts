import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars';
import { Connection } from '../../graphql/connection';
import { Node } from '../node/node.type';

@ObjectType({ implements: Node, description: 'A registered model, e.g. `fraud-detector`; its versions are what training runs produce.' })
export class Model implements Node {
  kind!: 'Model';

  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => DateTimeScalar, { description: 'When the model was first recorded.' })
  createdAt!: Date;
}

@ObjectType()
export class ModelConnection extends Connection(Model, 'Model') {}
