import { ArgsType, Field, ID, Int } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars';
import type { NodeKind } from '../../core/vocabulary';
import { LineageDirection, LineageNodeKind } from './lineage.type';

/**
 * Arguments of the lineage questions. The options are shared by the root fields (which name the node asked about
 * in `from`) and the same questions as fields of an entity (`dataset(...) { impact { ... } }`), which ask about
 * the entity itself.
 */

@ArgsType()
export class QuestionOptions {
  @Field(() => DateTimeScalar, { nullable: true, description: 'Answer as the graph stood at this instant (default: now).' })
  asOf?: Date | null;
}

@ArgsType()
export class TraversalOptions extends QuestionOptions {
  @Field(() => Int, { nullable: true, description: 'Hops from the start (default 20, at most LIMIT_TRAVERSAL_DEPTH: 100 unless configured).' })
  maxDepth?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Node budget: nodes in the answer, the start included (default 1000, at most LIMIT_TRAVERSAL_NODES: 10000 unless configured).',
  })
  maxNodes?: number | null;
}

@ArgsType()
export class FilteredTraversalOptions extends TraversalOptions {
  @Field(() => [LineageNodeKind], { nullable: true, description: 'Only list nodes of these kinds (the traversal still passes through the others).' })
  kinds?: NodeKind[] | null;
}

@ArgsType()
export class FilteredTraversalArgs extends FilteredTraversalOptions {
  @Field(() => ID, { description: 'Global id of the node asked about.' })
  from!: string;
}

@ArgsType()
export class LineageGraphOptions extends QuestionOptions {
  @Field(() => LineageDirection, { defaultValue: LineageDirection.BOTH })
  direction!: LineageDirection;

  @Field(() => Int, { nullable: true, description: 'Hops from the start (default 2, at most 20).' })
  depth?: number | null;

  @Field(() => Int, { nullable: true, description: 'Node budget: nodes in the graph, the start included (default 100, at most 2000).' })
  maxNodes?: number | null;
}

@ArgsType()
export class LineageGraphArgs extends LineageGraphOptions {
  @Field(() => ID, { description: 'Global id of the node to start from.' })
  from!: string;
}

@ArgsType()
export class ReproductionOptions extends QuestionOptions {
  @Field(() => Int, { nullable: true, description: 'Hops from what is rebuilt (default 20, at most LIMIT_TRAVERSAL_DEPTH: 100 unless configured).' })
  maxDepth?: number | null;

  @Field(() => Int, { nullable: true, description: 'Node budget (default 1000, at most LIMIT_TRAVERSAL_NODES: 10000 unless configured).' })
  maxNodes?: number | null;
}

@ArgsType()
export class ReproductionArgs extends ReproductionOptions {
  @Field(() => ID, {
    nullable: true,
    description:
      'Global id of what to rebuild: a model version or dataset version; a deployment (the version it serves), a model (its newest version as of `asOf`), a dataset (its version current at `asOf`).',
  })
  from?: string | null;

  @Field(() => ID, {
    nullable: true,
    deprecationReason: 'Use `from`, which takes a model version id too.',
    description: 'Global id of the model version to rebuild.',
  })
  modelVersion?: string | null;
}
