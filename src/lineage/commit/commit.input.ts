import { Field, InputType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars';

@InputType({ description: 'The commit a run executed (idempotent on repository + SHA; the other fields are write-once).' })
export class CommitInput {
  @Field({ description: 'Repository URL; git@host:org/repo.git and https://host/org/repo are the same repository.' })
  repository!: string;

  @Field({ description: 'Commit SHA (7 to 64 hex characters).' })
  sha!: string;

  @Field(() => String, { nullable: true })
  branch?: string | null;

  @Field(() => String, { nullable: true })
  author?: string | null;

  @Field(() => String, { nullable: true })
  message?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  committedAt?: Date | null;
}
