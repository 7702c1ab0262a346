import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars';
import type { TruncationReason } from '../../core/vocabulary';
import { LineageDirection, TruncationReasonEnum } from '../questions/lineage.type';
import { ColumnEdge, ColumnField } from './column.type';

/** What every column walk says besides its fields: as of when, its bounds, whether it was cut. */
@ObjectType()
export abstract class ColumnWalkResult {
  @Field(() => DateTimeScalar, { description: 'The instant the answer is about: `asOf`, or the time of the request.' })
  asOf!: Date;

  @Field(() => [ColumnEdge], { description: 'Every column edge the walk crossed between fields of the answer.' })
  edges!: ColumnEdge[];

  @Field({ description: 'True when a limit cut the answer; `truncatedReason` says which.' })
  truncated!: boolean;

  @Field(() => TruncationReasonEnum, { nullable: true })
  truncatedReason!: TruncationReason | null;

  @Field(() => Int, { description: 'The depth limit applied (column edges from the start).' })
  maxDepth!: number;

  @Field(() => Int, { description: 'The node budget applied (fields in the answer, the starts included).' })
  maxNodes!: number;
}

@ObjectType({
  description:
    "A field's column-level lineage as of an instant: the fields it was computed from (UPSTREAM), those computed from it (DOWNSTREAM), or both, each on the exact version that was read or written.",
})
export class ColumnLineage extends ColumnWalkResult {
  @Field(() => ColumnField, { description: 'The field the walk started from (depth 0).' })
  start!: ColumnField;

  @Field(() => LineageDirection)
  direction!: LineageDirection;

  @Field(() => [ColumnField], { description: 'Every field reached, the start first, then by depth and label.' })
  fields!: ColumnField[];
}

@ObjectType({ description: 'A dataset version reached by a column impact walk, with the fields of it that were reached.' })
export class ImpactedDatasetVersion {
  datasetVersionId!: string;

  @Field({ description: 'Every path to every reached field of this version passed through a masking transformation.' })
  masked!: boolean;

  @Field(() => [ColumnField], { description: 'Its fields that were reached, by name.' })
  fields!: ColumnField[];
}

@ObjectType({ description: 'A model version whose features were reached by a column impact walk.' })
export class ImpactedModelVersion {
  modelVersionId!: string;

  @Field({ description: 'Every path to every reached feature passed through a masking transformation.' })
  masked!: boolean;

  @Field(() => [ColumnField], { description: 'Its features that were reached, by name.' })
  fields!: ColumnField[];
}

@ObjectType({ description: 'A deployment live at the instant that serves an impacted model version.' })
export class ImpactedDeployment {
  deploymentId!: string;
  modelVersionId!: string;

  @Field({ description: 'The model version it serves was reached only through masking transformations.' })
  masked!: boolean;
}

@ObjectType({
  description:
    'The governance question: everything computed from a column, directly or through derived fields, as of an instant: downstream fields, dataset versions, model versions (features) and the live deployments serving them, each `masked` when every path to it passed through a masking transformation.',
})
export class ColumnImpact extends ColumnWalkResult {
  @Field(() => [ColumnField], {
    description: 'The column in each version the walk started from (every version existing at the instant, unless `version` was given).',
  })
  starts!: ColumnField[];

  @Field(() => [ColumnField], { description: 'Downstream fields (the starts excluded), nearest first.' })
  fields!: ColumnField[];

  @Field(() => [ImpactedDatasetVersion], { description: 'Dataset versions with reached fields, by label.' })
  datasetVersions!: ImpactedDatasetVersion[];

  @Field(() => [ImpactedModelVersion], { description: 'Model versions with reached features, by label.' })
  modelVersions!: ImpactedModelVersion[];

  @Field(() => [ImpactedDeployment], { description: 'Deployments live at the instant that serve a reached model version.' })
  deployments!: ImpactedDeployment[];
}
