import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../../graphql/scalars';
import type { RunState } from '../../core/vocabulary';
import { RunStateEnum } from '../run/run.type';
import { LineageNode } from './lineage.type';
import { TraversalResult } from './traversal-result.type';

@ObjectType({ simpleResolvers: true, description: 'A dataset version or model version a recipe reads or produces.' })
export class RecipeArtifact {
  @Field(() => ID)
  id!: string;

  @Field({ description: '`features/transactions@v3`, `fraud-detector@3`.' })
  label!: string;

  @Field(() => String, { nullable: true, description: 'Dataset namespace; null for a model version.' })
  namespace!: string | null;

  @Field({ description: 'Dataset name, or model name.' })
  name!: string;

  @Field()
  version!: string;

  @Field(() => String, { nullable: true, description: "Where to read it: a dataset version's uri, a model version's artifactUri." })
  uri!: string | null;

  @Field(() => String, { nullable: true, description: 'Content digest, to verify the bytes.' })
  digest!: string | null;

  @Field({ description: 'A raw source: nothing recorded produced it, so it must be fetched, not rebuilt.' })
  isSource!: boolean;

  @Field(() => Int, { nullable: true, description: 'The step that rebuilds it; null for a source.' })
  producedByStep!: number | null;
}

@ObjectType({ simpleResolvers: true })
export class RecipeCommit {
  @Field(() => ID)
  id!: string;

  @Field()
  repository!: string;

  @Field()
  sha!: string;

  @Field(() => String, { nullable: true })
  branch!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'One run to replay: its job, code, parameters and data.' })
export class ReproductionStep {
  @Field(() => Int, { description: '1-based; every step comes after the steps it depends on.' })
  order!: number;

  @Field(() => ID, { description: 'Global id of the run (its full entity is `run`).' })
  id!: string;

  @Field()
  runId!: string;

  @Field(() => String, { nullable: true })
  jobNamespace!: string | null;

  @Field(() => String, { nullable: true })
  jobName!: string | null;

  @Field(() => RunStateEnum, { nullable: true })
  state!: RunState | null;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  endedAt!: Date | null;

  @Field(() => JSONObjectScalar, { nullable: true })
  parameters!: Record<string, unknown> | null;

  @Field(() => RecipeCommit, { nullable: true })
  commit!: RecipeCommit | null;

  @Field(() => String, { nullable: true, description: 'runId of the run that started this one.' })
  parentRunId!: string | null;

  @Field(() => [RecipeArtifact], { description: 'What the run read.' })
  inputs!: RecipeArtifact[];

  @Field(() => [RecipeArtifact], { description: 'What the run produced that the target needs.' })
  outputs!: RecipeArtifact[];

  @Field(() => [Int], { description: 'Orders of the steps this one needs first (producers of its inputs, its parent run).' })
  dependsOn!: number[];
}

@ObjectType({ simpleResolvers: true, description: 'Something the recipe cannot pin down: rebuilding may not give the same model (or data).' })
export class ReproductionGap {
  @Field(() => ID, { nullable: true })
  nodeId!: string | null;

  @Field(() => String, { nullable: true })
  label!: string | null;

  @Field()
  problem!: string;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'What exactly is needed to rebuild a model version or dataset version: the source dataset versions (uri, digest), the commits, and the runs to replay in order with their parameters.',
})
export class ReproductionRecipe extends TraversalResult {
  @Field(() => RecipeArtifact, { description: 'What the recipe rebuilds: the model version or dataset version it starts from.' })
  target!: RecipeArtifact;

  @Field(() => RecipeArtifact, { deprecationReason: 'Use `target`: the same artifact, a dataset version when the recipe rebuilds one.' })
  modelVersion!: RecipeArtifact;

  @Field(() => [ReproductionStep], { description: 'Runs in a replayable (topological) order: producers before consumers, parents before children.' })
  steps!: ReproductionStep[];

  @Field(() => [RecipeArtifact], { description: 'The raw inputs to fetch, exactly these versions.' })
  sources!: RecipeArtifact[];

  @Field(() => [RecipeCommit], { description: 'Every commit the steps ran.' })
  commits!: RecipeCommit[];

  @Field({ description: 'True when nothing is missing (no gaps).' })
  complete!: boolean;

  @Field(() => [ReproductionGap])
  gaps!: ReproductionGap[];

  /** Every node of the walk, for callers that need more than the recipe. */
  nodes?: LineageNode[];
}
