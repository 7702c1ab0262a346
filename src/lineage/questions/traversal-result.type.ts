import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars';
import type { LineageAnswer } from './lineage-answer';
import type { TruncationReason } from '../../core/vocabulary';
import { LineageEdge, LineageNode, TruncationReasonEnum } from './lineage.type';
import type { TraversalBounds } from './traversal-limits';

/** What every traversal answer says besides its nodes: where it started, as of when, and whether it was cut. */
@ObjectType()
export abstract class TraversalResult {
  @Field(() => ID, {
    description:
      "The node asked about. `start` is the same node, or the member of it the question is about: a dataset's version current at `asOf`, a model's newest version, a job's newest completed run, a deployment's model version (see the questions' docs).",
  })
  from!: string;

  @Field(() => LineageNode, { description: 'The node the traversal started from (depth 0).' })
  start!: LineageNode;

  @Field(() => DateTimeScalar, { description: 'The instant the answer is about: `asOf`, or the time of the request.' })
  asOf!: Date;

  @Field(() => [LineageEdge], { description: 'Every relationship the traversal crossed, including those through nodes filtered out of `nodes`.' })
  edges!: LineageEdge[];

  @Field({ description: 'True when a limit cut the answer; `truncatedReason` says which.' })
  truncated!: boolean;

  @Field(() => TruncationReasonEnum, { nullable: true })
  truncatedReason!: TruncationReason | null;

  @Field(() => Int, { description: 'The depth limit applied (hops from the start).' })
  maxDepth!: number;

  @Field(() => Int, { description: 'The node budget applied (nodes in the answer, the start included).' })
  maxNodes!: number;
}

export function traversalResultFields(answer: LineageAnswer, bounds: TraversalBounds, asOf: string, from: string): TraversalResult {
  return {
    from,
    start: answer.start,
    asOf: new Date(asOf),
    edges: answer.edges,
    truncated: answer.truncatedReason !== null,
    truncatedReason: answer.truncatedReason,
    maxDepth: bounds.maxDepth,
    maxNodes: bounds.maxNodes,
  };
}
