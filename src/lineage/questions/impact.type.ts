import { Field, ObjectType } from 'type-graphql';
import { LineageNode } from './lineage.type';
import { TraversalResult } from './traversal-result.type';

@ObjectType({ simpleResolvers: true, description: 'The downstream deployments of one environment, split by whether they were live at the instant asked.' })
export class ImpactEnvironment {
  @Field()
  environment!: string;

  @Field(() => [LineageNode], { description: 'Live at the instant: they serve a model made from the start.' })
  live!: LineageNode[];

  @Field(() => [LineageNode], { description: 'Retired by the instant.' })
  retired!: LineageNode[];
}

@ObjectType({
  simpleResolvers: true,
  description: 'Everything made from a node: downstream runs, dataset versions, model versions and deployments, as of an instant.',
})
export class Impact extends TraversalResult {
  @Field(() => [LineageNode], { description: 'Downstream nodes (the start excluded), nearest first; only the kinds asked for.' })
  nodes!: LineageNode[];

  @Field(() => [ImpactEnvironment], { description: 'Downstream deployments by environment (sorted by name), live ones flagged.' })
  environments!: ImpactEnvironment[];
}
