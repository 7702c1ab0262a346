import { Field, InputType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../../graphql/scalars';

@InputType({ description: 'Registers a model (idempotent on name).' })
export class RegisterModelInput {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true, description: 'Mutable: a new value replaces the old one.' })
  description?: string | null;
}

@InputType({ description: 'A model version produced by a training run (idempotent on model + version; fields are write-once).' })
export class RegisterModelVersionInput {
  @Field({ description: 'Model name; the model is created if new.' })
  model!: string;

  @Field()
  version!: string;

  @Field(() => String, { nullable: true, description: 'runId of the training run that produced it; the run must be recorded.' })
  trainingRunId?: string | null;

  @Field(() => String, { nullable: true })
  artifactUri?: string | null;

  @Field(() => String, { nullable: true })
  digest?: string | null;

  @Field(() => String, { nullable: true })
  framework?: string | null;

  @Field(() => JSONObjectScalar, { nullable: true })
  metrics?: Record<string, unknown> | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "Defaults to the training run's end, else now." })
  createdAt?: Date | null;
}
