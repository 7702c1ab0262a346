import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars';
import { Connection } from '../../graphql/connection';
import { Node } from '../node/node.type';

@ObjectType({ implements: Node, description: 'A source code commit that a run executed. Immutable.' })
export class Commit implements Node {
  kind!: 'Commit';

  @Field(() => ID)
  id!: string;

  @Field({ description: 'Repository URL, normalised (https, no trailing .git).' })
  repository!: string;

  @Field({ description: 'Full commit SHA, lower case.' })
  sha!: string;

  @Field(() => String, { nullable: true, description: 'Branch the commit was first recorded on.' })
  branch!: string | null;

  @Field(() => String, { nullable: true })
  author!: string | null;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  committedAt!: Date | null;

  @Field(() => DateTimeScalar, { description: 'When the commit was first recorded here.' })
  createdAt!: Date;
}

@ObjectType()
export class CommitConnection extends Connection(Commit, 'Commit') {}
