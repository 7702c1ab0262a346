import { Field, InputType } from 'type-graphql';
import { SafeIntResolver } from 'graphql-scalars';
import { DateTimeScalar, JSONObjectScalar } from '../../graphql/scalars';
import { CommitInput } from '../commit/commit.input';
import { SchemaFieldInput } from '../dataset/dataset.input';

@InputType({ description: 'The job a run belongs to (created if new).' })
export class JobInput {
  @Field()
  namespace!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true, description: 'Mutable: a new value replaces the old one.' })
  description?: string | null;
}

@InputType({ description: 'A dataset version a run read or wrote.' })
export class RunDatasetInput {
  @Field()
  namespace!: string;

  @Field()
  name!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Inputs: omitted means the version that was current when the run started. Outputs: omitted means a version derived from the run (`run-<runId>`).',
  })
  version?: string | null;

  @Field(() => String, { nullable: true })
  digest?: string | null;

  @Field(() => String, { nullable: true })
  uri?: string | null;

  @Field(() => [SchemaFieldInput], { nullable: true })
  schema?: SchemaFieldInput[] | null;

  @Field(() => SafeIntResolver, { nullable: true })
  rowCount?: number | null;
}

@InputType({ description: 'What a pipeline knows about a run at one point of its life; startRun, completeRun and failRun all take it.' })
export class RunInput {
  @Field({ description: 'The run id chosen by the producer (a UUID for OpenLineage producers); the idempotency key.' })
  runId!: string;

  @Field(() => JobInput, { nullable: true, description: 'Required the first time a run is recorded.' })
  job?: JobInput | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When this happened (start, completion, failure); defaults to now.' })
  at?: Date | null;

  @Field(() => [RunDatasetInput], { nullable: true })
  inputs?: RunDatasetInput[] | null;

  @Field(() => [RunDatasetInput], { nullable: true })
  outputs?: RunDatasetInput[] | null;

  @Field(() => CommitInput, { nullable: true })
  commit?: CommitInput | null;

  @Field(() => JSONObjectScalar, { nullable: true, description: 'Merged by key; a key may not change value.' })
  parameters?: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: 'The runId of the run that started this one (it must be recorded already).' })
  parentRunId?: string | null;

  @Field(() => String, { nullable: true, description: 'failRun only: why the run failed.' })
  errorMessage?: string | null;
}
