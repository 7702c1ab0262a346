import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars';
import { Connection } from '../../graphql/connection';
import { Node } from '../node/node.type';

@ObjectType({ implements: Node, description: 'A pipeline step, training job or any process that runs: identified by namespace and name.' })
export class Job implements Node {
  kind!: 'Job';
  /** Job facets as stored (see core/facets); the `facets` field shows their values. */
  facetsJson?: string | null;

  @Field(() => ID)
  id!: string;

  @Field({ description: 'Where the job is defined, e.g. the scheduler instance (`airflow-prod`).' })
  namespace!: string;

  @Field({ description: 'Name within the namespace, e.g. `fraud_features.build`.' })
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => DateTimeScalar, { description: 'When the job was first recorded.' })
  createdAt!: Date;
}

@ObjectType()
export class JobConnection extends Connection(Job, 'Job') {}
