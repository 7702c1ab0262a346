import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { DateTimeScalar } from '../../graphql/scalars';
import { LineageNodeKind } from '../questions/lineage.type';
import type { TransformationType } from '../../core/column/column-lineage.facet';
import type { FieldOwnerKind } from '../../core/column/field-derivation';

export enum ColumnTransformationType {
  DIRECT = 'DIRECT',
  INDIRECT = 'INDIRECT',
}

registerEnumType(ColumnTransformationType, {
  name: 'ColumnTransformationType',
  description: 'DIRECT: the output value is computed from the input value. INDIRECT: the input decides which rows or how (a join key, a filter, a sort).',
});

/** What a column walk can be restricted to: a type, a subtype of the spec's list, or masking. */
export enum ColumnTransformationKind {
  DIRECT = 'DIRECT',
  INDIRECT = 'INDIRECT',
  IDENTITY = 'IDENTITY',
  TRANSFORMATION = 'TRANSFORMATION',
  AGGREGATION = 'AGGREGATION',
  JOIN = 'JOIN',
  FILTER = 'FILTER',
  GROUP_BY = 'GROUP_BY',
  SORT = 'SORT',
  WINDOW = 'WINDOW',
  CONDITIONAL = 'CONDITIONAL',
  MASKING = 'MASKING',
}

registerEnumType(ColumnTransformationKind, {
  name: 'ColumnTransformationKind',
  description:
    'A kind of column transformation to follow: a type (DIRECT, INDIRECT), a subtype (IDENTITY, TRANSFORMATION, AGGREGATION are direct; JOIN, FILTER, GROUP_BY, SORT, WINDOW, CONDITIONAL indirect), or MASKING (any masking transformation). An edge is followed when one of its transformations is of a kind listed.',
});

export enum ColumnEdgeScope {
  FIELD = 'FIELD',
  DATASET = 'DATASET',
}

registerEnumType(ColumnEdgeScope, {
  name: 'ColumnEdgeScope',
  description:
    "FIELD: the input field feeds one output field (the facet's `fields`). DATASET: the input field affects the whole output (the facet's `dataset` list: filters, joins, sorts), so the edge ends at the output version itself.",
});

@ObjectType({ description: 'How an input field became (part of) an output field, as the producer reported it.' })
export class ColumnTransformation {
  @Field(() => ColumnTransformationType)
  type!: TransformationType;

  @Field(() => String, {
    nullable: true,
    description: 'IDENTITY, TRANSFORMATION, AGGREGATION, JOIN, FILTER, GROUP_BY, SORT, WINDOW, CONDITIONAL, ...; null when not said.',
  })
  subtype!: string | null;

  @Field(() => String, { nullable: true, description: 'The producer’s text, e.g. the SQL expression.' })
  description!: string | null;

  @Field({ description: 'The transformation hides the original value (a hash, a redaction).' })
  masking!: boolean;
}

@ObjectType({
  description:
    'A field (column) of a dataset version, or a feature of a model version: a node of column-level lineage. Fields belong to one version, so column lineage is version-correct like table lineage.',
})
export class ColumnField {
  @Field(() => ID, { description: 'Global id (`Field:…`), from the owner version and the field name.' })
  id!: string;

  @Field({ description: 'The field name; nested fields are dotted (`address.city`).' })
  name!: string;

  @Field(() => String, { nullable: true })
  type!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field({
    description: 'The owner names it (its schema or its own column lineage); false for a field known only as the input of another version’s column lineage.',
  })
  declared!: boolean;

  @Field(() => LineageNodeKind, { description: 'DATASET_VERSION, or MODEL_VERSION for a model feature.' })
  ownerKind!: FieldOwnerKind;

  @Field(() => ID, { description: 'Global id of the dataset version or model version the field belongs to.' })
  ownerId!: string;

  @Field(() => String, { nullable: true, description: 'Dataset fields: the dataset namespace.' })
  namespace!: string | null;

  @Field(() => String, { nullable: true, description: 'Dataset fields: the dataset name.' })
  datasetName!: string | null;

  @Field(() => String, { nullable: true, description: 'Model features: the model name.' })
  modelName!: string | null;

  @Field({ description: 'The version of the owner.' })
  version!: string;

  @Field({ description: 'e.g. `features/transactions@v3.amount_zscore`, `fraud-detector@7.amount_zscore`.' })
  label!: string;

  @Field(() => DateTimeScalar, { description: "The owner's createdAt: the field exists from then (asOf compares against it)." })
  createdAt!: Date;

  @Field(() => Int, { nullable: true, description: 'Hops from the start of a column walk (0 for the start); null outside a walk.' })
  depth!: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'In a column walk: every path from the start to this field passed through a masking transformation. Null outside a walk.',
  })
  masked!: boolean | null;
}

@ObjectType({ description: 'A column-level lineage edge: an input field feeding an output field (or, for scope DATASET, a whole output version).' })
export class ColumnEdge {
  @Field(() => ID, { description: 'Stable: `upstream>downstream`.' })
  id!: string;

  @Field(() => ColumnEdgeScope)
  scope!: ColumnEdgeScope;

  @Field(() => ID, { description: 'The input field (data flows from it).' })
  upstream!: string;

  @Field(() => ID, { description: 'The output field; for scope DATASET, the output dataset or model version.' })
  downstream!: string;

  @Field(() => [ColumnTransformation])
  transformations!: ColumnTransformation[];

  @Field({ description: 'One of its transformations masks the data.' })
  masking!: boolean;
}

@ObjectType()
export class ColumnFieldConnection extends Connection(ColumnField, 'ColumnField') {}

@ObjectType()
export class ColumnEdgeConnection extends Connection(ColumnEdge, 'ColumnEdge') {}
