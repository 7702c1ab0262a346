import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars';
import { Connection } from '../../graphql/connection';
import { Node } from '../node/node.type';

@ObjectType({ implements: Node, description: 'A logical dataset (a table, a file path, a topic), identified by namespace and name.' })
export class Dataset implements Node {
  kind!: 'Dataset';
  /** Dataset facets as stored (see core/facets); the `facets` field shows their values. */
  facetsJson?: string | null;

  @Field(() => ID)
  id!: string;

  @Field({ description: 'Where the dataset lives, e.g. `s3://fraud-lake` or `postgres://warehouse:5432` (OpenLineage naming).' })
  namespace!: string;

  @Field({ description: 'Name within the namespace, e.g. `raw/transactions` or `public.customers`.' })
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => DateTimeScalar, { description: 'When the dataset was first recorded.' })
  createdAt!: Date;
}

@ObjectType()
export class DatasetConnection extends Connection(Dataset, 'Dataset') {}
