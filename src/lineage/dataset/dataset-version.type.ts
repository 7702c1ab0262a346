import { Field, ID, ObjectType } from 'type-graphql';
import { SafeIntResolver } from 'graphql-scalars';
import { DateTimeScalar } from '../../graphql/scalars';
import { Connection } from '../../graphql/connection';
import { Node } from '../node/node.type';

@ObjectType({ description: 'One field of a dataset version schema.' })
export class SchemaField {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  type!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;
}

@ObjectType({
  implements: Node,
  description:
    'An immutable version of a dataset: what a run read or wrote. Its fields are write-once: a later call may fill a value that was unknown, never change one.',
})
export class DatasetVersion implements Node {
  kind!: 'DatasetVersion';
  datasetId!: string;
  /** Dataset facets reported for this version, as stored; the `facets` field shows their values. */
  facetsJson?: string | null;

  @Field(() => ID)
  id!: string;

  @Field({ description: 'Namespace of the dataset.' })
  namespace!: string;

  @Field({ description: 'Name of the dataset.' })
  name!: string;

  @Field({ description: 'Version string, unique within the dataset (e.g. a Delta/Iceberg snapshot id, a date, a hash).' })
  version!: string;

  @Field(() => String, { nullable: true, description: 'Content digest, e.g. `sha256:…`.' })
  digest!: string | null;

  @Field(() => String, { nullable: true, description: 'Where this version can be read.' })
  uri!: string | null;

  @Field(() => [SchemaField], { nullable: true })
  schema!: SchemaField[] | null;

  @Field(() => SafeIntResolver, { nullable: true })
  rowCount!: number | null;

  @Field(() => DateTimeScalar, { description: 'When the version came into existence (time travel compares against this).' })
  createdAt!: Date;
}

@ObjectType()
export class DatasetVersionConnection extends Connection(DatasetVersion, 'DatasetVersion') {}
