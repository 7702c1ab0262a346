import { ArgsType, Field, ID, Int } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars';
import type { NodeKind } from '../../core/vocabulary';
import { LineageDirection, LineageNodeKind } from './lineage.type';

/** Arguments every lineage question takes. */
@ArgsType()
export class QuestionArgs {
  @Field(() => ID, { description: 'Global id of the node to start from.' })
  from!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Answer as the graph stood at this instant (default: now).' })
  asOf?: Date | null;
}

@ArgsType()
export class TraversalArgs extends QuestionArgs {
  @Field(() => Int, { nullable: true, description: 'Hops from the start (default 20, at most LIMIT_TRAVERSAL_DEPTH: 100 unless configured).' })
  maxDepth?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Node budget: nodes in the answer, the start included (default 1000, at most LIMIT_TRAVERSAL_NODES: 10000 unless configured).',
  })
  maxNodes?: number | null;
}

@ArgsType()
export class FilteredTraversalArgs extends TraversalArgs {
  @Field(() => [LineageNodeKind], { nullable: true, description: 'Only list nodes of these kinds (the traversal still passes through the others).' })
  kinds?: NodeKind[] | null;
}

@ArgsType()
export class LineageGraphArgs extends QuestionArgs {
  @Field(() => LineageDirection, { defaultValue: LineageDirection.BOTH })
  direction!: LineageDirection;

  @Field(() => Int, { nullable: true, description: 'Hops from the start (default 2, at most 20).' })
  depth?: number | null;

  @Field(() => Int, { nullable: true, description: 'Node budget: nodes in the graph, the start included (default 100, at most 2000).' })
  maxNodes?: number | null;
}

@ArgsType()
export class ReproductionArgs {
  @Field(() => ID, { description: 'Global id of the model version to rebuild.' })
  modelVersion!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'The recipe as the graph stood at this instant (default: now).' })
  asOf?: Date | null;

  @Field(() => Int, { nullable: true, description: 'Hops from the model version (default 20, at most LIMIT_TRAVERSAL_DEPTH: 100 unless configured).' })
  maxDepth?: number | null;

  @Field(() => Int, { nullable: true, description: 'Node budget (default 1000, at most LIMIT_TRAVERSAL_NODES: 10000 unless configured).' })
  maxNodes?: number | null;
}
