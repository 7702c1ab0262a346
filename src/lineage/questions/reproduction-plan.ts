import type { LineageEdge, LineageNode } from './lineage.type';
import type { RecipeArtifact, RecipeCommit, ReproductionGap, ReproductionStep } from './reproduction.type';
import type { RunState, TruncationReason } from '../../core/vocabulary';

/**
 * Turns the upstream walk from a model version (or dataset version) into a recipe: which runs to replay in which order, with what
 * code, parameters and data, and what is missing. Pure, so the ordering rules are tested without a database.
 */

export interface RecipeInput {
  start: LineageNode;
  nodes: readonly LineageNode[];
  edges: readonly LineageEdge[];
  truncatedReason: TruncationReason | null;
  parameters: ReadonlyMap<string, Record<string, unknown> | null>;
}

export interface RecipePlan {
  /** What the recipe rebuilds: the start of the walk. */
  target: RecipeArtifact;
  /** The same artifact, under the field's older name. */
  modelVersion: RecipeArtifact;
  steps: ReproductionStep[];
  sources: RecipeArtifact[];
  commits: RecipeCommit[];
  complete: boolean;
  gaps: ReproductionGap[];
}

export function planRecipe(input: RecipeInput): RecipePlan {
  const byId = new Map(input.nodes.map((node) => [node.id, node]));
  const related = (type: LineageEdge['type']) => input.edges.filter((edge) => edge.type === type);
  const producerOf = new Map(related('WROTE').map((edge) => [edge.target, edge.source]));
  const inputsOf = groupBy(
    related('READ'),
    (edge) => edge.source,
    (edge) => edge.target,
  );
  const outputsOf = groupBy(
    related('WROTE'),
    (edge) => edge.source,
    (edge) => edge.target,
  );
  const commitOf = new Map(related('RAN_CODE').map((edge) => [edge.source, edge.target]));
  const parentOf = new Map(related('CHILD_OF').map((edge) => [edge.source, edge.target]));

  const runs = input.nodes.filter((node) => node.kind === 'Run');
  const runIds = new Set(runs.map((run) => run.id));
  const dependencies = new Map(
    runs.map((run) => {
      const needed = new Set<string>();
      for (const artifact of inputsOf.get(run.id) ?? []) {
        const producer = producerOf.get(artifact);
        if (producer && producer !== run.id && runIds.has(producer)) needed.add(producer);
      }
      const parent = parentOf.get(run.id);
      if (parent && runIds.has(parent)) needed.add(parent);
      return [run.id, needed];
    }),
  );
  const { order, cyclic } = topologicalOrder(runs, dependencies);
  const orderOf = new Map(order.map((run, index) => [run.id, index + 1]));

  const artifact = (id: string): RecipeArtifact => toArtifact(byId.get(id)!, orderOf.get(producerOf.get(id) ?? '') ?? null);
  const byLabel = (a: RecipeArtifact, b: RecipeArtifact) => compare(a.label, b.label) || compare(a.id, b.id);
  const commits = new Map<string, RecipeCommit>();
  const steps: ReproductionStep[] = order.map((run, index) => {
    const commitId = commitOf.get(run.id);
    const commitNode = commitId ? byId.get(commitId) : undefined;
    const commit = commitNode ? toCommit(commitNode) : null;
    if (commit && !commits.has(commit.id)) commits.set(commit.id, commit);
    const parentId = parentOf.get(run.id);
    const p = run.properties;
    return {
      order: index + 1,
      id: run.id,
      runId: String(p.runId),
      jobNamespace: (p.jobNamespace as string | undefined) ?? null,
      jobName: (p.jobName as string | undefined) ?? null,
      state: (p.state as RunState | undefined) ?? null,
      startedAt: p.startedAt ? new Date(String(p.startedAt)) : null,
      endedAt: p.endedAt ? new Date(String(p.endedAt)) : null,
      parameters: input.parameters.get(run.id) ?? null,
      commit,
      parentRunId: parentId ? String(byId.get(parentId)?.properties.runId ?? '') || null : null,
      inputs: (inputsOf.get(run.id) ?? []).map(artifact).sort(byLabel),
      outputs: (outputsOf.get(run.id) ?? []).map(artifact).sort(byLabel),
      dependsOn: [...dependencies.get(run.id)!].map((id) => orderOf.get(id)!).sort((a, b) => a - b),
    };
  });

  const sources = input.nodes
    .filter((node) => node.isSource)
    .map((node) => artifact(node.id))
    .sort(byLabel);
  const gaps = findGaps(input, steps, sources, producerOf.has(input.start.id), cyclic);
  const target = artifact(input.start.id);
  return { target, modelVersion: target, steps, sources, commits: [...commits.values()], complete: gaps.length === 0, gaps };
}

/**
 * Kahn's algorithm; among the runs ready at each point, the earliest (by start, then runId) goes first, so the
 * order is the one the pipelines actually ran in whenever that was a valid one. Runs caught in a cycle (which
 * recorded lineage can contain) follow in time order.
 */
export function topologicalOrder(
  runs: readonly LineageNode[],
  dependencies: ReadonlyMap<string, ReadonlySet<string>>,
): { order: LineageNode[]; cyclic: LineageNode[] } {
  const earliest = (a: LineageNode, b: LineageNode) =>
    (a.time?.getTime() ?? 0) - (b.time?.getTime() ?? 0) || compare(String(a.properties.runId), String(b.properties.runId)) || compare(a.id, b.id);
  const waiting = new Map(runs.map((run) => [run.id, new Set(dependencies.get(run.id) ?? [])]));
  const order: LineageNode[] = [];
  const ready = runs.filter((run) => waiting.get(run.id)!.size === 0);
  while (ready.length > 0) {
    ready.sort(earliest);
    const next = ready.shift()!;
    order.push(next);
    waiting.delete(next.id);
    for (const run of runs) {
      const needs = waiting.get(run.id);
      if (needs?.delete(next.id) && needs.size === 0) ready.push(run);
    }
  }
  const cyclic = runs.filter((run) => waiting.has(run.id)).sort(earliest);
  return { order: [...order, ...cyclic], cyclic };
}

function findGaps(
  input: RecipeInput,
  steps: readonly ReproductionStep[],
  sources: readonly RecipeArtifact[],
  hasTrainingRun: boolean,
  cyclic: readonly LineageNode[],
): ReproductionGap[] {
  const gaps: ReproductionGap[] = [];
  if (!hasTrainingRun) {
    const problem =
      input.start.kind === 'ModelVersion' ? 'no training run is recorded for this model version' : 'no run is recorded that wrote this dataset version';
    gaps.push({ nodeId: input.start.id, label: input.start.label, problem });
  }
  for (const source of sources) {
    if (!source.uri) gaps.push({ nodeId: source.id, label: source.label, problem: 'source has no uri: where to read it is not recorded' });
    if (!source.digest) gaps.push({ nodeId: source.id, label: source.label, problem: 'source has no digest: the bytes read cannot be verified' });
  }
  for (const step of steps) {
    const label = input.nodes.find((node) => node.id === step.id)?.label ?? step.runId;
    if (!step.commit) gaps.push({ nodeId: step.id, label, problem: 'no commit is recorded for this run' });
    if (step.state !== 'COMPLETED') gaps.push({ nodeId: step.id, label, problem: `the run is ${step.state ?? 'known only as a parent'}, not COMPLETED` });
  }
  for (const run of cyclic)
    gaps.push({ nodeId: run.id, label: run.label, problem: 'the run is part of a dependency cycle; its place in the order is by time only' });
  if (input.truncatedReason) {
    gaps.push({
      nodeId: null,
      label: null,
      problem: `the upstream traversal was cut (${input.truncatedReason}); raise maxDepth or maxNodes for the full recipe`,
    });
  }
  return gaps;
}

function toArtifact(node: LineageNode, producedByStep: number | null): RecipeArtifact {
  const p = node.properties;
  const text = (value: unknown) => (value === undefined || value === null ? null : String(value));
  const isModel = node.kind === 'ModelVersion';
  return {
    id: node.id,
    label: node.label,
    namespace: isModel ? null : text(p.namespace),
    name: String((isModel ? p.modelName : p.name) ?? ''),
    version: String(p.version ?? ''),
    uri: text(isModel ? p.artifactUri : p.uri),
    digest: text(p.digest),
    isSource: node.isSource,
    producedByStep,
  };
}

function toCommit(node: LineageNode): RecipeCommit {
  return {
    id: node.id,
    repository: String(node.properties.repository),
    sha: String(node.properties.sha),
    branch: (node.properties.branch as string | undefined) ?? null,
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string, value: (item: T) => string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), value(item)]);
  return groups;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
