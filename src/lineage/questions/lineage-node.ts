import { shortName, shortVersion } from '../../core/short-label';
import { upstreamEndIsSource } from './lineage-steps';
import type { LineageEdge } from './lineage.type';
import type { EdgeType, NodeKind } from '../../core/vocabulary';
import { cutText } from '../../core/text';

/**
 * How a node reads in an answer: a short label, its instant, its key properties and, for deployments, whether
 * it was live at the instant asked. Pure functions of the properties the traversal queries project.
 */

export interface Presentation {
  /** Shortened for display (common/short-label.ts). */
  label: string;
  /** The same, every name, version and run id whole. */
  fullLabel: string;
  time: Date | null;
  properties: Record<string, unknown>;
  isLive: boolean | null;
}

type Props = Record<string, unknown>;

/** Instants arrive as epoch milliseconds from the traversal queries (see traversal.repository.ts) or as Dates. */
const INSTANTS = new Set(['createdAt', 'startedAt', 'endedAt', 'committedAt', 'deployedAt', 'retiredAt']);

export function present(kind: NodeKind, stored: Props, asOf: Date): Presentation {
  const props = withDates(stored);
  let properties: Record<string, unknown> | undefined;
  return {
    label: labelOf(kind, props),
    fullLabel: labelOf(kind, props, false),
    time: timeOf(kind, props),
    // Made when first read: most answers do not select them, and copying and ordering every node's properties
    // cost about 0.45 ms of a provenance question's 14 ms of service CPU (bench/README.md, "Where a question's
    // CPU goes").
    get properties() {
      return (properties ??= propertiesOf(kind, props));
    },
    isLive: liveness(kind, props, asOf),
  };
}

function withDates(props: Props): Props {
  const out: Props = { ...props };
  for (const key of INSTANTS) if (typeof out[key] === 'number') out[key] = new Date(out[key] as number);
  return out;
}

/** A node's label: names and versions shortened for display (`short`, the default) or whole. */
export function labelOf(kind: NodeKind, props: Props, short = true): string {
  const text = (key: string) => String(props[key] ?? '?');
  const name = (value: string) => (short ? shortName(value) : value);
  const version = (value: string) => (short ? shortVersion(value) : value);
  switch (kind) {
    case 'Dataset':
    case 'Job':
    case 'Model':
      return name(text('name'));
    case 'DatasetVersion':
      return `${name(text('name'))}@${version(text('version'))}`;
    case 'ModelVersion':
      return `${name(text('modelName'))}@${version(text('version'))}`;
    case 'Run': {
      const job = props.job as { name?: string } | null | undefined;
      return `${job?.name ? name(job.name) : 'run'} run ${short ? shortRunId(text('runId')) : text('runId')}`;
    }
    case 'Commit':
      return `${repositoryName(text('repository'))}@${text('sha').slice(0, 7)}`;
    case 'Deployment':
      return `${name(text('name'))} (${text('environment')}, ${minute(props.deployedAt)})`;
  }
}

function timeOf(kind: NodeKind, props: Props): Date | null {
  const date = (value: unknown) => (value instanceof Date ? value : null);
  switch (kind) {
    case 'Run':
      return date(props.startedAt) ?? date(props.endedAt);
    case 'Deployment':
      return date(props.deployedAt);
    case 'Commit':
      return date(props.committedAt) ?? date(props.createdAt);
    default:
      return date(props.createdAt);
  }
}

function propertiesOf(kind: NodeKind, props: Props): Record<string, unknown> {
  const flat: Props = { ...props };
  if (kind === 'Run') {
    const job = props.job as { namespace?: string; name?: string } | null | undefined;
    delete flat.job;
    flat.jobNamespace = job?.namespace;
    flat.jobName = job?.name;
  }
  if (kind === 'Deployment') {
    const version = props.modelVersion as { modelName?: string; version?: string } | null | undefined;
    delete flat.modelVersion;
    flat.model = version?.modelName;
    flat.modelVersion = version?.version;
  }
  const properties: Props = {};
  // In name order: the database does not promise an order for a map's keys, answers should not vary.
  for (const [key, value] of Object.entries(flat).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (value === null || value === undefined) continue;
    properties[key] = value instanceof Date ? value.toISOString() : value;
  }
  return properties;
}

/** A deployment is live at T when deployedAt <= T < retiredAt (or it was never retired). */
function liveness(kind: NodeKind, props: Props, asOf: Date): boolean | null {
  if (kind !== 'Deployment') return null;
  const deployedAt = props.deployedAt instanceof Date ? props.deployedAt : null;
  const retiredAt = props.retiredAt instanceof Date ? props.retiredAt : null;
  return deployedAt !== null && deployedAt <= asOf && (retiredAt === null || asOf < retiredAt);
}

/** UUIDs and other long run ids are shortened to 8 characters, like a short commit SHA. */
function shortRunId(runId: string): string {
  return runId.length <= 12 ? runId : cutText(runId, 8);
}

/** `https://github.com/acme/fraud` → `acme/fraud`. */
function repositoryName(repository: string): string {
  const parts = repository
    .replace(/^[a-z+]+:\/\/[^/]+\//i, '')
    .split('/')
    .filter(Boolean);
  return parts.slice(-2).join('/') || repository;
}

function minute(value: unknown): string {
  return value instanceof Date ? value.toISOString().slice(0, 16).replace('T', ' ') : '?';
}

/** An edge as answers show it: as in the graph (source, target) and as data flowed (upstream, downstream). */
export function toLineageEdge(edge: { type: EdgeType; source: string; target: string }): LineageEdge {
  const upstreamIsSource = upstreamEndIsSource(edge.type);
  return {
    id: `${edge.source}|${edge.type}|${edge.target}`,
    type: edge.type,
    source: edge.source,
    target: edge.target,
    upstream: upstreamIsSource ? edge.source : edge.target,
    downstream: upstreamIsSource ? edge.target : edge.source,
  };
}
