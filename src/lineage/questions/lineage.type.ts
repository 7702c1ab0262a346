import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../../graphql/scalars';
import { EDGE_TYPES, NODE_KINDS, TRUNCATION_REASONS, type EdgeType, type NodeKind } from '../../core/vocabulary';
import { graphqlEnum, upperSnake } from '../../graphql/enums';

/** GraphQL names are UPPER_SNAKE; the values are the graph's labels, so resolvers pass kinds through unchanged. */
export const LineageNodeKind = graphqlEnum(NODE_KINDS, upperSnake);

registerEnumType(LineageNodeKind, { name: 'LineageNodeKind', description: 'The kind of a node of the lineage graph (its label).' });

export const LineageEdgeType = graphqlEnum(EDGE_TYPES);

registerEnumType(LineageEdgeType, { name: 'LineageEdgeType', description: 'The relationship type of an edge of the lineage graph.' });

export enum LineageDirection {
  UPSTREAM = 'UP',
  DOWNSTREAM = 'DOWN',
  BOTH = 'BOTH',
}

registerEnumType(LineageDirection, {
  name: 'LineageDirection',
  description: 'UPSTREAM: towards what a node was made from. DOWNSTREAM: towards what was made from it. BOTH: either.',
});

export const TruncationReasonEnum = graphqlEnum(TRUNCATION_REASONS);

registerEnumType(TruncationReasonEnum, {
  name: 'TruncationReason',
  description:
    'Why an answer is incomplete. DEPTH: nodes at the depth limit have further neighbours. NODE_BUDGET: the node budget (maxNodes) ran out. EDGE_BUDGET: the walk examined as many relationships as it may (10 per node of the budget).',
});

/**
 * The types of an answer are plain data, read by GraphQL's default resolver (`simpleResolvers`): type-graphql's own
 * wrapper around each field is there for middlewares and authorization these fields do not have, and an answer of
 * a hundred nodes has a thousand fields (bench/README.md, "Where a question's CPU goes"). Fields with resolvers of
 * their own (LineageNodeResolver) keep them.
 */
@ObjectType({
  simpleResolvers: true,
  description:
    'A relationship of the lineage graph. `source` and `target` follow the graph model (a run READ a dataset version, a run WROTE an output, a deployment SERVES a model version); `upstream` and `downstream` say which way data flowed.',
})
export class LineageEdge {
  @Field(() => ID, { description: 'Stable: source, type and target.' })
  id!: string;

  @Field(() => LineageEdgeType)
  type!: EdgeType;

  @Field(() => ID)
  source!: string;

  @Field(() => ID)
  target!: string;

  @Field(() => ID, { description: 'The end data flowed from (the dataset version a run read; the run that wrote an output).' })
  upstream!: string;

  @Field(() => ID, { description: 'The end data flowed to.' })
  downstream!: string;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'A node of the lineage graph as an answer shows it, as of the instant asked: a label for display, its key properties, and where it stands in the traversal. The full entity is `entity`.',
})
export class LineageNode {
  @Field(() => ID)
  id!: string;

  @Field(() => LineageNodeKind)
  kind!: NodeKind;

  @Field({
    description:
      'A short human-readable name, e.g. `features/transactions@v3`, `fraud-detector@3`: long names keep their end (`…/orders/part-0000.parquet`), versions derived from runs and UUIDs their first 8 characters (`run-0190f1d2`). `fullLabel` has every value whole.',
  })
  label!: string;

  @Field({ description: 'The label with every name, version and run id whole, for details and tooltips.' })
  fullLabel!: string;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "The node's instant: a version's createdAt, a run's start (or end), a deployment's deployedAt, a commit's committedAt.",
  })
  time!: Date | null;

  @Field(() => JSONObjectScalar, { description: 'Key properties of the node (instants as ISO-8601 strings); absent values are left out.' })
  properties!: Record<string, unknown>;

  @Field({ description: 'True for a dataset version that nothing recorded produced (as of the instant): a raw source.' })
  isSource!: boolean;

  @Field(() => Boolean, { nullable: true, description: 'Deployments: live at the instant (deployedAt <= instant < retiredAt). Null for other kinds.' })
  isLive!: boolean | null;

  @Field(() => Int, { nullable: true, description: 'Hops from the start of the traversal (0 for the start); null outside a traversal.' })
  depth!: number | null;

  @Field({ description: 'It has upstream neighbours that this answer does not include: expand it with lineageGraph(from: id, direction: UPSTREAM).' })
  hasMoreUpstream!: boolean;

  @Field({ description: 'It has downstream neighbours that this answer does not include.' })
  hasMoreDownstream!: boolean;

  /** Paths from the start of the traversal to this node; absent outside a traversal. */
  pathsFrom?: (first: number) => LineagePath[];
}

@ObjectType({ simpleResolvers: true, description: 'A path from the start of a traversal to a node: why the node is in the answer.' })
export class LineagePath {
  @Field(() => [LineageNode], { description: 'From the start to the node, both included.' })
  nodes!: LineageNode[];

  @Field(() => [LineageEdge], { description: 'The edges between consecutive nodes.' })
  edges!: LineageEdge[];
}
