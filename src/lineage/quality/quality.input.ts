import { Field, ID, InputType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars';
import { QualityFlagStatus } from './quality.type';

@InputType({ description: 'Flags a dataset version, named by id or by namespace, name and version.' })
export class FlagDatasetVersionInput {
  @Field(() => ID, { nullable: true })
  id?: string | null;

  @Field(() => String, { nullable: true })
  namespace?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  version?: string | null;

  @Field(() => QualityFlagStatus)
  status!: QualityFlagStatus;

  @Field({ description: 'Why: what was found, a ticket. Required.' })
  reason!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: "Defaults to now; not in the future, not before the version's latest flag." })
  flaggedAt?: Date | null;
}
