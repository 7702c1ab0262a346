import { formatInstant, h } from './dom';
import { EDGE, NODE, type LineageEdge, type LineageNode } from './queries';

/**
 * Data quality in the explorer: which live deployments stand on bad data at the instant shown (marked in the
 * graph and listed in a banner), and, for one deployment or model version, the offending dataset versions with
 * the path to each (highlighted). The GraphQL and the rendering of the answer are here; main.ts calls them.
 */

export interface Offending {
  datasetVersion: LineageNode;
  status: 'BAD' | 'SUSPECT' | 'FAILED';
  depth: number;
  flag: { status: string; reason: string; flaggedAt: string; flaggedBy: string } | null;
  failedChecks: Array<{ assertion: string; column: string | null; severity: string; assertedAt: string }>;
  path: { nodes: LineageNode[]; edges: LineageEdge[] };
}

export interface AtRisk {
  asOf: string;
  liveDeployments: number;
  truncated: boolean;
  deployments: Array<{ node: LineageNode; offending: Offending[] }>;
}

export interface QualityAnswer {
  asOf: string;
  atRisk: boolean;
  truncated: boolean;
  checkedVersions: number;
  offending: Offending[];
}

const OFFENDING = `datasetVersion { ${NODE} } status depth flag { status reason flaggedAt flaggedBy }
  failedChecks { assertion column severity assertedAt } path { nodes { ${NODE} } edges { ${EDGE} } }`;

export const AT_RISK = `query AtRisk($asOf: DateTimeISO) {
  atRisk(asOf: $asOf) { asOf liveDeployments truncated deployments { node { ${NODE} } offending { ${OFFENDING} } } }
}`;

export const QUALITY = `query Quality($id: ID!, $asOf: DateTimeISO) {
  node(id: $id) {
    ... on Deployment { quality(asOf: $asOf) { ...assessment } }
    ... on ModelVersion { quality(asOf: $asOf) { ...assessment } }
  }
}
fragment assessment on DataQualityAssessment { asOf atRisk truncated checkedVersions offending { ${OFFENDING} } }`;

/** Kinds a quality question starts from (the service says the same). */
export const QUALITY_KINDS = ['DEPLOYMENT', 'MODEL_VERSION'] as const;

/** The nodes and edges of the paths to the offending versions: what the answer adds to the graph and highlights. */
export function pathsOf(offending: readonly Offending[]): { nodes: LineageNode[]; edges: LineageEdge[]; nodeIds: Set<string>; edgeIds: Set<string> } {
  const nodes = new Map<string, LineageNode>();
  const edges = new Map<string, LineageEdge>();
  for (const o of offending) {
    for (const node of o.path.nodes) nodes.set(node.id, node);
    for (const edge of o.path.edges) edges.set(edge.id, edge);
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()], nodeIds: new Set(nodes.keys()), edgeIds: new Set(edges.keys()) };
}

function describeOffending(o: Offending, goto: (id: string, text: string) => HTMLElement): HTMLElement {
  const reasons: Array<string | HTMLElement> = [];
  if (o.flag) reasons.push(`flagged ${o.flag.status} by ${o.flag.flaggedBy} (${formatInstant(o.flag.flaggedAt)}): ${o.flag.reason}`);
  for (const check of o.failedChecks) {
    reasons.push(`failed ${check.assertion}${check.column ? ` on ${check.column}` : ''} (${check.severity}, ${formatInstant(check.assertedAt)})`);
  }
  return h(
    'li',
    { 'data-offending': o.datasetVersion.id, 'data-status': o.status },
    h('strong', { class: `status status-${o.status.toLowerCase()}` }, o.status),
    ' ',
    goto(o.datasetVersion.id, o.datasetVersion.label),
    ` — ${o.depth} hop${o.depth === 1 ? '' : 's'} upstream`,
    h('ul', {}, ...reasons.map((reason) => h('li', {}, reason))),
    h('p', { class: 'path' }, 'Path: ', o.path.nodes.map((node) => node.label).join(' → ')),
  );
}

/** The answer panel of the question "does it stand on bad data?". */
export function renderQualityAnswer(about: string, answer: QualityAnswer, asOfText: string, goto: (id: string, text: string) => HTMLElement): HTMLElement[] {
  const count = answer.offending.length;
  const parts: HTMLElement[] = [
    h('h2', {}, 'Does it stand on bad data?'),
    h(
      'p',
      { id: 'quality-verdict', 'data-at-risk': String(answer.atRisk) },
      answer.atRisk
        ? `${about}, as of ${asOfText}: AT RISK. ${count} dataset version${count === 1 ? '' : 's'} of its provenance ${count === 1 ? 'is' : 'are'} flagged or failed a check (paths highlighted).`
        : `${about}, as of ${asOfText}: no flagged or failing dataset version among the ${answer.checkedVersions} of its provenance.`,
    ),
  ];
  if (answer.truncated) parts.push(h('p', { class: 'note' }, 'The walk was cut by its bounds: versions beyond them were not looked at.'));
  if (count > 0) parts.push(h('ul', { class: 'related', id: 'answer-offending' }, ...answer.offending.map((o) => describeOffending(o, goto))));
  return parts;
}

/** The banner listing the live deployments at risk at the instant shown. */
export function renderAtRiskBanner(atRisk: AtRisk | null, asOfText: string, open: (id: string) => void): HTMLElement | null {
  if (!atRisk || atRisk.deployments.length === 0) return null;
  const count = atRisk.deployments.length;
  return h(
    'div',
    { class: 'at-risk', role: 'alert', 'data-count': String(count) },
    h('strong', {}, `⚠ ${count} live deployment${count === 1 ? '' : 's'} stand${count === 1 ? 's' : ''} on bad data`),
    ` (as of ${asOfText}${atRisk.truncated ? '; the check was cut by its bounds' : ''}): `,
    ...atRisk.deployments.flatMap((d, i) => {
      const button = h('button', { type: 'button', class: 'link', 'data-at-risk-deployment': d.node.id }, d.node.label);
      button.addEventListener('click', () => open(d.node.id));
      return i === 0 ? [button] : [', ', button];
    }),
  );
}
