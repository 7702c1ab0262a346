import type { Database, Tx } from '../../db/database';
import { BadInputError, LimitExceededError } from '../../errors';
import type { Limits } from '../../limits';
import { kindOfId } from '../../core/ids';
import type { NodeKind } from '../../core/vocabulary';
import { optionalName } from '../../core/validate';
import { present, toLineageEdge } from '../questions/lineage-node';
import type { LineageNode, LineagePath } from '../questions/lineage.type';
import { asOfArgument } from '../questions/question-arguments';
import { traversalBounds, type TraversalBounds } from '../questions/traversal-limits';
import { SEVERITY_RANK, SEVERITIES, type Severity } from './quality-facets';
import { evaluateQuality, isOffending, type VersionQuality } from './quality-status';
import { expandAhead, walkUpstream, type QualityWalk, type UpstreamEdge, type WalkCut } from './quality-walk';
import { LEVELS_PER_STATEMENT, QualityWalkRepository, type DescribedNode, type StartNode } from './quality-walk.repository';
import { QualityRepository } from './quality.repository';

/** Relationships a walk may examine per node of its budget (as for the other lineage questions). */
const EDGES_PER_NODE = 10;

export interface AssessmentOptions {
  asOf?: Date | string | null;
  minSeverity?: Severity | null;
  maxDepth?: number | null;
  maxNodes?: number | null;
}

export interface AtRiskQuery extends AssessmentOptions {
  environments?: readonly string[] | null;
}

export interface OffendingVersion {
  version: LineageNode;
  quality: VersionQuality;
  /** Hops from the start. */
  depth: number;
  /** The shortest path from the start to the version (one of them, always the same). */
  path: LineagePath;
}

export interface Assessment {
  start: LineageNode;
  offending: OffendingVersion[];
}

export interface AssessmentSet {
  asOf: string;
  minSeverity: Severity;
  bounds: TraversalBounds;
  cut: WalkCut | null;
  /** Dataset versions the walk reached (and looked at). */
  checkedVersions: number;
  assessments: Assessment[];
}

export interface AtRiskAnswer extends AssessmentSet {
  environments: string[] | null;
  /** Live deployments looked at. */
  liveDeployments: number;
}

/**
 * The data quality questions over lineage: which deployments (or model versions) have, in their provenance as
 * of an instant, a dataset version that is offending then (flagged BAD or SUSPECT, or with a failed check that
 * counts: quality-status.ts), with the shortest path to each. Version-correct because provenance is: a later
 * good version of a dataset is simply not in the provenance of a model trained on the bad one.
 *
 * One bounded upstream walk from all the starts together (quality-walk.ts), then one look at the dataset
 * versions it reached, then the paths in memory. atRisk starts from every live deployment: what is live is
 * what matters, and it stays small while the history of failed checks grows without end (bench/README.md).
 */
export class QualityAssessmentService {
  constructor(
    private readonly db: Database,
    private readonly limits: Limits,
    private readonly walks = new QualityWalkRepository(),
    private readonly quality = new QualityRepository(),
  ) {}

  /** Deployments live at `asOf` (in `environments`, if given) whose provenance holds an offending version. */
  atRisk(query: AtRiskQuery = {}): Promise<AtRiskAnswer> {
    const options = normalize(query, 'atRisk', this.limits.traversal);
    const environments = query.environments ? query.environments.map((environment, i) => optionalName(`environments[${i}]`, environment)!) : null;
    return this.db.read('atRisk', async (tx) => {
      const live = await this.walks.liveDeployments(tx, options.asOf, environments, options.bounds.maxNodes + 1);
      const starts = live.slice(0, options.bounds.maxNodes);
      const set = await this.assessStarts(tx, starts, options, new Set());
      return {
        ...set,
        cut: live.length > starts.length ? 'NODE_BUDGET' : set.cut,
        environments,
        liveDeployments: starts.length,
        assessments: set.assessments.filter((assessment) => assessment.offending.length > 0),
      };
    });
  }

  /**
   * The assessment of each deployment or model version (ids in any order, answers in the same order). The node
   * budget is per start: the walk shared by n starts may visit n × maxNodes nodes. A start that did not exist
   * yet at the instant has nothing upstream.
   */
  assess(ids: readonly string[], query: AssessmentOptions = {}): Promise<{ set: AssessmentSet; byId: Map<string, Assessment> }> {
    for (const id of ids) {
      const kind = kindOfId(id);
      if (kind !== 'Deployment' && kind !== 'ModelVersion')
        throw new BadInputError('id', `data quality is assessed for a Deployment or a ModelVersion; ${id} is not one`);
    }
    const options = normalize(query, 'quality', this.limits.traversal);
    const unique = [...new Set(ids)];
    const budget = Math.min(options.bounds.maxNodes * unique.length, Math.max(this.limits.traversal.maxNodes, options.bounds.maxNodes));
    return this.db.read('dataQuality', async (tx) => {
      const starts = await this.walks.starts(tx, unique, options.asOf);
      const set = await this.assessStarts(tx, starts, { ...options, walkNodes: budget }, new Set());
      return { set, byId: new Map(set.assessments.map((assessment) => [assessment.start.id, assessment])) };
    });
  }

  /**
   * The live deployments (now) whose provenance holds one of the versions, with the path to it and its quality
   * (whether offending or not): what a webhook notice about those versions lists.
   */
  downstreamLive(versionIds: readonly string[], asOf: string, minSeverity: Severity): Promise<AtRiskAnswer> {
    const options = normalize({ asOf, minSeverity }, 'atRisk', this.limits.traversal);
    return this.db.read('qualityNotice', async (tx) => {
      const live = await this.walks.liveDeployments(tx, options.asOf, null, options.bounds.maxNodes + 1);
      const starts = live.slice(0, options.bounds.maxNodes);
      const subjects = new Set(versionIds);
      const set = await this.assessStarts(tx, starts, options, subjects);
      return {
        ...set,
        cut: live.length > starts.length ? 'NODE_BUDGET' : set.cut,
        environments: null,
        liveDeployments: starts.length,
        assessments: set.assessments.filter((assessment) => assessment.offending.length > 0),
      };
    });
  }

  private async assessStarts(tx: Tx, starts: readonly StartNode[], options: Normalized, subjects: ReadonlySet<string>): Promise<AssessmentSet> {
    const { asOf, bounds, minSeverity } = options;
    const maxNodes = options.walkNodes ?? bounds.maxNodes;
    const minRank = SEVERITY_RANK[minSeverity];
    // The suspects among every version the walk's statements reached; those it admitted are kept below.
    const reachedSuspects = new Set<string>();
    const expand = async (frontier: readonly string[], levels: number, rowLimit: number) => {
      const expanded = await this.walks.expand(tx, frontier, levels, rowLimit, asOf, minRank);
      for (const level of expanded) for (const id of level.suspects) reachedSuspects.add(id);
      return expanded;
    };
    const walk = await walkUpstream(
      starts.map((start) => ({ ...start, depth: 0 })),
      { maxDepth: bounds.maxDepth, maxNodes, maxEdges: maxNodes * EDGES_PER_NODE },
      expandAhead(expand, LEVELS_PER_STATEMENT),
    );
    const versionIds = [...walk.nodes.values()].filter((node) => node.kind === 'DatasetVersion').map((node) => node.id);
    const suspects = versionIds.filter((id) => reachedSuspects.has(id) || subjects.has(id));
    const qualities = await this.qualityOf(tx, suspects, asOf, minRank, subjects);
    const targets = new Set([...qualities.keys()]);

    const paths = new Map(starts.map((start) => [start.id, walk.pathsFrom(start.id, targets)]));
    const answerIds = new Map<string, NodeKind>(starts.map((start) => [start.id, start.kind]));
    for (const found of paths.values()) {
      for (const path of found.values()) for (const edge of path) answerIds.set(edge.to, walk.nodes.get(edge.to)!.kind);
    }
    const described = await this.walks.describe(
      tx,
      [...answerIds].map(([id, kind]) => ({ id, kind })),
      asOf,
    );
    const node = (id: string, depth: number) => toLineageNode(described.get(id), walk, id, depth, asOf);
    const assessments = starts.map((start): Assessment => {
      const offending = [...paths.get(start.id)!].map(([versionId, edges]): OffendingVersion => {
        const path: LineagePath = {
          nodes: [node(start.id, 0), ...edges.map((edge, index) => node(edge.to, index + 1))],
          edges: edges.map(toEdge),
        };
        return { version: path.nodes.at(-1)!, quality: qualities.get(versionId)!, depth: edges.length, path };
      });
      offending.sort((a, b) => a.depth - b.depth || compare(a.version.label, b.version.label) || compare(a.version.id, b.version.id));
      return { start: node(start.id, 0), offending };
    });
    return { asOf, minSeverity, bounds: { maxDepth: bounds.maxDepth, maxNodes }, cut: walk.cut, checkedVersions: versionIds.length, assessments };
  }

  /** Of the suspects (versions the walk reached that may be offending, or among `subjects`), those offending (or among `subjects`), by id, with their quality. */
  private async qualityOf(
    tx: Tx,
    suspects: readonly string[],
    asOf: string,
    minRank: number,
    subjects: ReadonlySet<string>,
  ): Promise<Map<string, VersionQuality>> {
    if (suspects.length === 0) return new Map();
    const reports = await this.quality.reportsOn(tx, suspects, asOf);
    const flags = await this.quality.flagsOn(tx, suspects, asOf);
    const found = new Map<string, VersionQuality>();
    for (const id of suspects) {
      const quality = evaluateQuality(reports.get(id) ?? [], flags.get(id) ?? [], minRank);
      if (isOffending(quality.status) || subjects.has(id)) found.set(id, quality);
    }
    return found;
  }
}

interface Normalized {
  asOf: string;
  minSeverity: Severity;
  bounds: TraversalBounds;
  /** The walk's own node budget, when it differs from the bounds' (several starts). */
  walkNodes?: number;
}

/**
 * Bounds: depth as for provenance (default 20, at most LIMIT_TRAVERSAL_DEPTH). Nodes: for atRisk, which walks
 * from every live deployment, the whole budget the operator allows (LIMIT_TRAVERSAL_NODES) by default; for one
 * entity, the provenance default (1,000).
 */
function normalize(query: AssessmentOptions, question: 'atRisk' | 'quality', settings: Limits['traversal']): Normalized {
  const minSeverity = query.minSeverity ?? 'WARN';
  if (!SEVERITIES.includes(minSeverity)) throw new BadInputError('minSeverity', `must be one of ${SEVERITIES.join(', ')}, got ${String(minSeverity)}`);
  const maxNodesSetting = settings.maxNodes;
  if (question === 'atRisk' && query.maxNodes != null && query.maxNodes > maxNodesSetting) {
    throw new LimitExceededError('LIMIT_TRAVERSAL_NODES', `maxNodes must be at most ${maxNodesSetting}, got ${query.maxNodes}`);
  }
  const bounds = traversalBounds(query.maxDepth, question === 'atRisk' ? (query.maxNodes ?? maxNodesSetting) : query.maxNodes, settings);
  return { asOf: asOfArgument(query.asOf), minSeverity, bounds };
}

function toEdge(edge: UpstreamEdge) {
  return toLineageEdge({ type: edge.type, source: edge.outgoing ? edge.from : edge.to, target: edge.outgoing ? edge.to : edge.from });
}

function toLineageNode(described: DescribedNode | undefined, walk: QualityWalk, id: string, depth: number, asOf: string): LineageNode {
  const kind = described?.kind ?? walk.nodes.get(id)!.kind;
  return {
    id,
    kind,
    ...present(kind, described?.props ?? {}, new Date(asOf)),
    isSource: described?.isSource ?? false,
    depth,
    hasMoreUpstream: described?.moreUp ?? false,
    hasMoreDownstream: described?.moreDown ?? false,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
