import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../../graphql/scalars';
import { Connection } from '../../graphql/connection';
import { graphqlEnum } from '../../graphql/enums';
import { RUN_STATES, type RunState } from '../../core/vocabulary';
import { Node } from '../node/node.type';

export const RunStateEnum = graphqlEnum(RUN_STATES);

registerEnumType(RunStateEnum, {
  name: 'RunState',
  description: 'RUNNING until the run ends; COMPLETED, FAILED and ABORTED are final.',
});

@ObjectType({ implements: Node, description: 'One execution of a job: what it read, wrote, ran and with which parameters.' })
export class Run implements Node {
  kind!: 'Run';
  jobId!: string | null;
  /** Run facets as stored (see core/facets); the `facets` field shows their values. */
  facetsJson?: string | null;

  @Field(() => ID)
  id!: string;

  @Field({ description: "The run id the producer chose (OpenLineage's run.runId)." })
  runId!: string;

  @Field(() => RunStateEnum, { nullable: true, description: 'Null for a run known only as the parent of another.' })
  state!: RunState | null;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  endedAt!: Date | null;

  @Field(() => JSONObjectScalar, { nullable: true })
  parameters!: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: 'Why the run failed.' })
  errorMessage!: string | null;
}

@ObjectType()
export class RunConnection extends Connection(Run, 'Run') {}
