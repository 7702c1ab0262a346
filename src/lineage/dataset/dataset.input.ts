import { Field, InputType } from 'type-graphql';
import { SafeIntResolver } from 'graphql-scalars';
import { DateTimeScalar } from '../../graphql/scalars';

@InputType({ description: 'Registers a dataset (idempotent on namespace + name).' })
export class RegisterDatasetInput {
  @Field()
  namespace!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true, description: 'Mutable: a new value replaces the old one.' })
  description?: string | null;
}

@InputType()
export class SchemaFieldInput {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  type?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType({ description: 'A dataset version and what is known about it (idempotent on namespace + name + version).' })
export class DatasetVersionInput {
  @Field()
  namespace!: string;

  @Field()
  name!: string;

  @Field()
  version!: string;

  @Field(() => String, { nullable: true })
  digest?: string | null;

  @Field(() => String, { nullable: true })
  uri?: string | null;

  @Field(() => [SchemaFieldInput], { nullable: true })
  schema?: SchemaFieldInput[] | null;

  @Field(() => SafeIntResolver, { nullable: true })
  rowCount?: number | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the version came into existence; defaults to now (or, for run outputs, to the run event time).',
  })
  createdAt?: Date | null;
}
