import { ArgsType, Field, ID, Int } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars';
import { LineageDirection } from '../questions/lineage.type';
import { ColumnTransformationKind } from './column.type';

@ArgsType()
export class ColumnLineageArgs {
  @Field(() => ID, { nullable: true, description: 'The field to start from, by id (`ColumnField.id`); or name it with `namespace`, `name` and `field`.' })
  from?: string | null;

  @Field(() => String, { nullable: true, description: 'Namespace of the dataset.' })
  namespace?: string | null;

  @Field(() => String, { nullable: true, description: 'Name of the dataset.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Or the name of a model: the field is a feature of one of its versions.' })
  model?: string | null;

  @Field(() => String, { nullable: true, description: 'Name of the field (nested fields dotted: `address.city`).' })
  field?: string | null;

  @Field(() => String, { nullable: true, description: 'The dataset (or model) version; default: the version current at `asOf`.' })
  version?: string | null;

  @Field(() => LineageDirection, { defaultValue: LineageDirection.UPSTREAM, description: 'BOTH is the union of the upstream and the downstream walks.' })
  direction!: LineageDirection;

  @Field(() => Int, { nullable: true, description: 'Column edges from the start (default 10, at most LIMIT_TRAVERSAL_DEPTH: 100 unless configured).' })
  depth?: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Answer as the graph stood at this instant (default: now).' })
  asOf?: Date | null;

  @Field(() => [ColumnTransformationKind], {
    nullable: true,
    description: 'Only follow edges with a transformation of one of these kinds (default: every edge).',
  })
  transformations?: ColumnTransformationKind[] | null;

  @Field(() => Int, { nullable: true, description: 'Node budget: fields in the answer, the start included (default 1000, at most LIMIT_TRAVERSAL_NODES).' })
  maxNodes?: number | null;
}

@ArgsType()
export class ColumnImpactArgs {
  @Field({ description: 'Namespace of the dataset.' })
  namespace!: string;

  @Field({ description: 'Name of the dataset.' })
  name!: string;

  @Field({ description: 'Name of the field.' })
  field!: string;

  @Field(() => String, { nullable: true, description: 'Start from this version only; default: the field in every version that existed at `asOf`.' })
  version?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Answer as the graph stood at this instant (default: now); deployments live then.' })
  asOf?: Date | null;

  @Field(() => Int, { nullable: true, description: 'Column edges from the start (default 10, at most LIMIT_TRAVERSAL_DEPTH).' })
  maxDepth?: number | null;

  @Field(() => Int, { nullable: true, description: 'Node budget: fields in the answer, the starts included (default 1000, at most LIMIT_TRAVERSAL_NODES).' })
  maxNodes?: number | null;

  @Field(() => [ColumnTransformationKind], {
    nullable: true,
    description: 'Only follow edges with a transformation of one of these kinds (default: every edge).',
  })
  transformations?: ColumnTransformationKind[] | null;
}
