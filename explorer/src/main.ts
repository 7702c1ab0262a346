import './style.css';
import { apiKey, graphql, setApiKey } from './api';
import { renderColumnPanel } from './column-panel';
import { ColumnView } from './column-view';
import { COLUMN_LINEAGE, columnLayout, type ColumnLineage } from './columns';
import { renderEntity } from './details';
import { byId, formatInstant, h } from './dom';
import { GraphModel } from './graph-model';
import { GraphView, KIND_STYLES, displayLabel, environmentOf, isLiveProduction } from './graph-view';
import { layeredLayout, type Layout } from './layout';
import {
  IMPACT,
  IMPACT_KINDS,
  LINEAGE_GRAPH,
  LIVE_DEPLOYMENT,
  NODE_DETAILS,
  PROVENANCE,
  PROVENANCE_KINDS,
  REPORT_KINDS,
  SEARCH,
  type Direction,
  type Impact,
  type Kind,
  type LineageGraph,
  type LineageNode,
  type Provenance,
} from './queries';
import { AT_RISK, pathsOf, QUALITY, QUALITY_KINDS, renderAtRiskBanner, renderQualityAnswer, type AtRisk, type QualityAnswer } from './quality';
import { DEFAULT_DEPTH, isoToLocalInput, localInputToIso, readUrl, toSearch, type Question, type ViewState } from './url-state';

/**
 * The lineage explorer: find a node, see its neighbourhood left to right, expand and collapse, ask the two
 * questions, travel in time. All state is here; the URL mirrors it (url-state.ts), the canvas draws it
 * (graph-view.ts), and the list "Nodes shown" repeats it in the DOM for keyboards, screen readers and tests.
 */

interface Answer {
  question: Question;
  about: string;
  asOf: string;
  highlighted: Set<string>;
  truncated: boolean;
  provenance?: Provenance;
  impact?: Impact;
  quality?: QualityAnswer;
  /** For a quality answer: the edges of the paths (not every edge between highlighted nodes). */
  highlightedEdges?: Set<string>;
}

const state: ViewState = readUrl(location.search);
const model = new GraphModel();
let layout: Layout = { positions: new Map(), column: new Map() };
let answer: Answer | null = null;
let baseTruncation: Pick<LineageGraph, 'truncated' | 'truncatedReason' | 'maxNodes' | 'maxDepth'> | null = null;
const expansionTruncated = new Set<string>();
let generation = 0;
let busyCount = 0;
/** Live deployments at risk at the instant shown (fetched with each neighbourhood). */
let atRisk: AtRisk | null = null;

const view = new GraphView(byId('graph'), { select: (id) => select(id), expand: (id) => void expand(id, 'BOTH') });
const columnView = new ColumnView(byId('column-graph'), { select: (id) => void showColumns(id) });

// ---------------------------------------------------------------------------------------------------------------
// Status, busy flag, URL

function status(message: string, kind: 'info' | 'error' = 'info'): void {
  const element = byId('status');
  element.textContent = message;
  element.dataset.kind = kind;
  element.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

async function busy<T>(work: () => Promise<T>): Promise<T | undefined> {
  busyCount++;
  document.body.dataset.busy = 'true';
  try {
    return await work();
  } catch (error) {
    status((error as Error).message, 'error');
    return undefined;
  } finally {
    busyCount--;
    if (busyCount === 0) document.body.dataset.busy = 'false';
  }
}

function writeUrl(push: boolean): void {
  const url = `${location.pathname}${toSearch(state)}`;
  if (url === `${location.pathname}${location.search}`) return;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

function syncControls(): void {
  byId<HTMLInputElement>('as-of').value = isoToLocalInput(state.asOf);
  byId<HTMLInputElement>('max-nodes').value = String(state.maxNodes);
  document.body.dataset.asOf = state.asOf ?? '';
  document.body.dataset.focus = state.node ?? '';
  document.body.dataset.question = answer ? answer.question : '';
}

// ---------------------------------------------------------------------------------------------------------------
// Loading the focused neighbourhood

/** Focuses a node: its neighbourhood replaces the graph, the question (if any) is dropped. */
function focusNode(id: string, options: { keepQuestion?: boolean } = {}): void {
  state.node = id;
  state.selected = id;
  state.field = null;
  if (!options.keepQuestion) {
    state.question = null;
    state.about = null;
  }
  writeUrl(true);
  void load();
}

/**
 * Time travel and deployments: a deployment that did not exist yet at the instant asked is replaced by the one
 * live in its slot then (what was in production on 15 March?).
 */
async function resolveFocus(id: string, asOf: string | null): Promise<string> {
  if (!asOf || !id.startsWith('Deployment:')) return id;
  const { node } = await graphql<{ node: { name: string; environment: string; deployedAt: string } | null }>(
    `
      query Slot($id: ID!) {
        node(id: $id) {
          ... on Deployment {
            name
            environment
            deployedAt
          }
        }
      }
    `,
    { id },
  );
  if (!node || Date.parse(node.deployedAt) <= Date.parse(asOf)) return id;
  const { liveDeployment } = await graphql<{ liveDeployment: { id: string } | null }>(LIVE_DEPLOYMENT, {
    name: node.name,
    environment: node.environment,
    asOf,
  });
  if (!liveDeployment) throw new Error(`${node.name} (${node.environment}) had no live deployment at ${formatInstant(asOf)}`);
  status(`${node.name} (${node.environment}) as of ${formatInstant(asOf)}: showing the deployment live then.`);
  return liveDeployment.id;
}

async function load(): Promise<void> {
  const mine = ++generation;
  syncControls();
  await busy(async () => {
    if (!state.node) return;
    status('Loading…');
    const from = await resolveFocus(state.node, state.asOf);
    if (mine !== generation) return;
    if (from !== state.node) {
      if (state.about === state.node) state.about = from;
      if (state.selected === state.node) state.selected = from;
      state.node = from;
      writeUrl(false);
    } else {
      status('');
    }
    let graph: LineageGraph;
    try {
      ({ lineageGraph: graph } = await graphql<{ lineageGraph: LineageGraph }>(LINEAGE_GRAPH, {
        from,
        direction: 'BOTH',
        depth: state.depth,
        asOf: state.asOf,
        maxNodes: state.maxNodes,
      }));
    } catch (error) {
      if (mine !== generation) return;
      model.clear();
      answer = null;
      baseTruncation = null;
      render(true);
      throw error;
    }
    if (mine !== generation) return;
    model.clear();
    expansionTruncated.clear();
    answer = null;
    baseTruncation = graph;
    model.add('base', graph.nodes, graph.edges);
    await loadAtRisk();
    if (mine !== generation) return;
    if (state.question && state.about) await ask(state.question, state.about, mine, true);
    if (mine !== generation) return;
    if (!model.has(state.selected ?? '')) state.selected = from;
    render(true);
    void showDetails(state.selected!);
    if (state.field) await showColumns(state.field, { push: false });
    else hideColumns();
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Column view: a field's column lineage replaces the graph until it is closed

/** Shows the column lineage of a field (chosen in the details of its version, or in the column view itself). */
async function showColumns(fieldId: string, options: { push?: boolean } = {}): Promise<void> {
  const mine = generation;
  await busy(async () => {
    status('Asking for column lineage…');
    const { columnLineage } = await graphql<{ columnLineage: ColumnLineage }>(COLUMN_LINEAGE, { from: fieldId, asOf: state.asOf });
    if (mine !== generation) return;
    const layout = columnLayout(columnLineage);
    state.field = fieldId;
    writeUrl(options.push ?? true);
    document.body.dataset.view = 'columns';
    byId('graph').hidden = true;
    byId('column-graph').hidden = false;
    columnView.render(columnLineage, layout);
    byId('columns').replaceChildren(renderColumnPanel(columnLineage, layout, { select: (id) => void showColumns(id), close: closeColumns }));
    status(`Column lineage of ${columnLineage.start.label}: ${columnLineage.fields.length} field${columnLineage.fields.length === 1 ? '' : 's'}.`);
  });
}

function closeColumns(): void {
  if (!state.field) return;
  state.field = null;
  hideColumns();
  writeUrl(true);
  status('Back to the lineage graph.');
}

function hideColumns(): void {
  if (document.body.dataset.view !== 'columns') return;
  document.body.dataset.view = 'graph';
  byId('column-graph').hidden = true;
  byId('graph').hidden = false;
  byId('columns').replaceChildren();
  view.fit();
}

// ---------------------------------------------------------------------------------------------------------------
// Expand and collapse

function expansionOwner(id: string, direction: Direction): string {
  return `expand:${direction}:${id}`;
}

async function expand(id: string, direction: Direction): Promise<void> {
  const node = model.node(id);
  if (!node) return;
  const mine = generation;
  await busy(async () => {
    const { lineageGraph: graph } = await graphql<{ lineageGraph: LineageGraph }>(LINEAGE_GRAPH, {
      from: id,
      direction,
      depth: 1,
      asOf: state.asOf,
      maxNodes: state.maxNodes,
    });
    if (mine !== generation) return;
    const owner = expansionOwner(id, direction);
    const added = model.add(owner, graph.nodes, graph.edges);
    if (graph.truncated) expansionTruncated.add(owner);
    else expansionTruncated.delete(owner);
    const where = direction === 'BOTH' ? 'around' : direction === 'UPSTREAM' ? 'upstream of' : 'downstream of';
    status(added.length === 0 ? `Nothing more ${where} ${node.label}.` : `${added.length} node${added.length === 1 ? '' : 's'} added ${where} ${node.label}.`);
    render(false);
    void showDetails(state.selected ?? id);
  });
}

/** Removes what expanding this node added (and, in turn, the expansions of nodes that left with it). */
function collapse(id: string): void {
  let removed = 0;
  let origins = [id];
  while (origins.length > 0) {
    const next: string[] = [];
    for (const origin of origins) {
      for (const direction of ['UPSTREAM', 'DOWNSTREAM', 'BOTH'] as const) {
        const owner = expansionOwner(origin, direction);
        expansionTruncated.delete(owner);
        const gone = model.remove(owner);
        removed += gone.length;
        next.push(...gone);
      }
    }
    origins = next;
  }
  status(removed === 0 ? 'Nothing to collapse here.' : `${removed} node${removed === 1 ? '' : 's'} collapsed.`);
  if (state.selected && !model.has(state.selected)) state.selected = id;
  render(false);
  void showDetails(state.selected ?? id);
}

function hasExpansions(id: string): boolean {
  const owners = model.owners();
  return (['UPSTREAM', 'DOWNSTREAM', 'BOTH'] as const).some((d) => owners.has(expansionOwner(id, d)));
}

// ---------------------------------------------------------------------------------------------------------------
// Questions

async function ask(question: Question, about: string, mine = generation, withinLoad = false): Promise<void> {
  const run = async () => {
    if (question === 'quality') return askQuality(about, mine, withinLoad);
    status(question === 'provenance' ? 'Asking what data produced it…' : 'Asking what it affects…');
    const variables = { from: about, asOf: state.asOf };
    let result: Provenance | Impact;
    if (question === 'provenance') result = (await graphql<{ provenance: Provenance }>(PROVENANCE, variables)).provenance;
    else result = (await graphql<{ impact: Impact }>(IMPACT, variables)).impact;
    if (mine !== generation) return;
    model.add('question', [result.start, ...result.nodes], result.edges);
    answer = {
      question,
      about,
      asOf: result.asOf,
      // The node asked about stays lit when the question started from a member of it (a dataset's current version).
      highlighted: new Set([about, result.start.id, ...result.nodes.map((n) => n.id)]),
      truncated: result.truncated,
      ...(question === 'provenance' ? { provenance: result as Provenance } : { impact: result as Impact }),
    };
    state.question = question;
    state.about = about;
    writeUrl(false);
    status(
      `${question === 'provenance' ? 'Provenance' : 'Impact'} of ${result.start.label}: ${result.nodes.length} node${result.nodes.length === 1 ? '' : 's'} highlighted.`,
    );
    if (!withinLoad) render(true);
  };
  if (mine !== generation) return;
  // From load(), which shows errors itself; from a button or key, on its own.
  if (withinLoad) await run();
  else await busy(run);
}

/** The live deployments at risk at the instant shown, fetched with every neighbourhood (the data may have changed). */
async function loadAtRisk(): Promise<void> {
  atRisk = (await graphql<{ atRisk: AtRisk }>(AT_RISK, { asOf: state.asOf })).atRisk;
}

/** "Does it stand on bad data?": the offending versions upstream of a deployment or model version, paths highlighted. */
async function askQuality(about: string, mine: number, withinLoad: boolean): Promise<void> {
  status('Asking whether it stands on bad data…');
  const { node } = await graphql<{ node: { quality: QualityAnswer } | null }>(QUALITY, { id: about, asOf: state.asOf });
  if (mine !== generation || !node) return;
  const result = node.quality;
  const paths = pathsOf(result.offending);
  model.add('question', paths.nodes, paths.edges);
  answer = {
    question: 'quality',
    about,
    asOf: result.asOf,
    highlighted: new Set([about, ...paths.nodeIds]),
    highlightedEdges: paths.edgeIds,
    truncated: result.truncated,
    quality: result,
  };
  state.question = 'quality';
  state.about = about;
  writeUrl(false);
  const label = model.node(about)?.label ?? about;
  status(
    result.atRisk
      ? `${label} stands on bad data: ${result.offending.length} offending dataset version(s), paths highlighted.`
      : `${label}: no flagged or failing data upstream.`,
  );
  if (!withinLoad) render(true);
}

function clearQuestion(): void {
  if (!answer && !state.question) return;
  answer = null;
  state.question = null;
  state.about = null;
  model.remove('question');
  if (state.selected && !model.has(state.selected)) state.selected = state.node;
  writeUrl(false);
  status('Question cleared.');
  render(true);
  if (state.selected) void showDetails(state.selected);
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

const KIND_ORDER: Kind[] = ['DATASET', 'DATASET_VERSION', 'COMMIT', 'JOB', 'RUN', 'MODEL', 'MODEL_VERSION', 'DEPLOYMENT'];

function nodeOrder(a: string, b: string): number {
  const x = model.node(a)!;
  const y = model.node(b)!;
  return KIND_ORDER.indexOf(x.kind) - KIND_ORDER.indexOf(y.kind) || x.label.localeCompare(y.label);
}

function render(fit: boolean): void {
  const nodes = model.nodes;
  const edges = model.edges;
  layout = layeredLayout(
    nodes.map((n) => n.id),
    edges,
    state.node,
    nodeOrder,
  );
  view.render(
    {
      nodes,
      edges,
      layout,
      focus: state.node,
      selected: state.selected,
      highlighted: answer?.highlighted ?? null,
      highlightedEdges: answer?.highlightedEdges ?? null,
      atRisk: atRiskIds(),
      offending: offendingIds(),
    },
    fit,
  );
  renderNodeList();
  renderBanner();
  renderAnswer();
  syncControls();
}

function atRiskIds(): Set<string> {
  return new Set(atRisk?.deployments.map((d) => d.node.id) ?? []);
}

/** Offending versions: of the quality answer if there is one, else of every deployment at risk. */
function offendingIds(): Set<string> {
  const offending = answer?.quality ? answer.quality.offending : (atRisk?.deployments.flatMap((d) => d.offending) ?? []);
  return new Set(offending.map((o) => o.datasetVersion.id));
}

/** Nodes in reading order: column by column from upstream, top to bottom. */
function orderedNodes(): LineageNode[] {
  return model.nodes.sort((a, b) => {
    const pa = layout.positions.get(a.id)!;
    const pb = layout.positions.get(b.id)!;
    return pa.x - pb.x || pa.y - pb.y;
  });
}

function renderNodeList(): void {
  const list = byId('visible-nodes');
  const risky = atRiskIds();
  const offending = offendingIds();
  const nodes = orderedNodes();
  byId('node-count').textContent = `(${nodes.length})`;
  list.replaceChildren(
    ...nodes.map((node) => {
      const highlighted = answer ? answer.highlighted.has(node.id) : false;
      const button = h(
        'button',
        { type: 'button', class: 'node-button', 'aria-current': node.id === state.selected ? 'true' : undefined },
        h('span', { class: 'swatch', style: `background:${KIND_STYLES[node.kind].colour};clip-path:${KIND_STYLES[node.kind].clip}`, 'aria-hidden': 'true' }),
        h('span', { class: 'kind' }, KIND_STYLES[node.kind].name),
        ' ',
        h('span', { class: 'label', title: node.fullLabel }, displayLabel(node).replace(/\n/g, ' · ')),
      );
      button.addEventListener('click', () => select(node.id));
      button.addEventListener('dblclick', () => void expand(node.id, 'BOTH'));
      return h(
        'li',
        {
          'data-node-id': node.id,
          'data-kind': node.kind,
          'data-label': node.label,
          'data-live': node.kind === 'DEPLOYMENT' ? String(node.isLive === true) : undefined,
          'data-environment': environmentOf(node) ?? undefined,
          'data-focus': node.id === state.node ? 'true' : undefined,
          'data-selected': node.id === state.selected ? 'true' : undefined,
          'data-highlighted': answer ? String(highlighted) : undefined,
          'data-more-upstream': String(node.hasMoreUpstream),
          'data-more-downstream': String(node.hasMoreDownstream),
          'data-at-risk': node.kind === 'DEPLOYMENT' ? String(risky.has(node.id)) : undefined,
          'data-offending': offending.has(node.id) ? 'true' : undefined,
          class: [isLiveProduction(node) ? 'live-prod' : '', answer && !highlighted ? 'dim' : ''].filter(Boolean).join(' ') || undefined,
        },
        button,
      );
    }),
  );
}

function renderBanner(): void {
  const banner = byId('banner');
  const reasons: string[] = [];
  if (baseTruncation?.truncated) {
    const why =
      baseTruncation.truncatedReason === 'DEPTH'
        ? `it goes deeper than ${baseTruncation.maxDepth} hops`
        : `the node budget (${baseTruncation.maxNodes}) ran out`;
    reasons.push(`The neighbourhood was cut: ${why}.`);
  }
  if (expansionTruncated.size > 0) reasons.push('An expansion was cut by the node budget.');
  if (answer?.truncated) reasons.push('The answer to the question was cut.');
  const more = model.nodes.filter((n) => n.hasMoreUpstream || n.hasMoreDownstream).length;
  if (more > 0) reasons.push(`${more} node${more === 1 ? ' has' : 's have'} more neighbours (◀ ▶): select and expand with u / d.`);
  const risk = renderAtRiskBanner(atRisk, asOfText(), (id) => {
    state.question = 'quality';
    state.about = id;
    focusNode(id, { keepQuestion: true });
  });
  byId('at-risk').replaceChildren(...(risk ? [risk] : []));
  banner.hidden = reasons.length === 0;
  byId('banner-text').textContent = reasons.join(' ');
  byId<HTMLButtonElement>('more').hidden = !baseTruncation?.truncated;
  banner.dataset.truncated = String(Boolean(baseTruncation?.truncated));
}

/** The instant the answers are about, as the page says it. */
function asOfText(): string {
  return state.asOf ? formatInstant(state.asOf) : 'now';
}

function renderAnswer(): void {
  const panel = byId('answer');
  if (!answer) {
    panel.replaceChildren();
    return;
  }
  const clear = h('button', { type: 'button', id: 'clear-question' }, 'Clear question (Esc)');
  clear.addEventListener('click', clearQuestion);
  const goto = (id: string, text: string, full?: string) => {
    const button = h('button', { type: 'button', class: 'link', 'data-goto': id, title: full ?? text }, text);
    button.addEventListener('click', () => select(id));
    return button;
  };
  const about = model.node(answer.about)?.label ?? answer.about;
  // A question about a dataset, model or job starts from a member of it: say which.
  const startedAt = (start: LineageNode) => (start.id === answer!.about ? '' : ` (from ${start.label})`);
  const sections: HTMLElement[] = [];
  if (answer.provenance) {
    const p = answer.provenance;
    const byKind = (kind: Kind) => p.nodes.filter((n) => n.kind === kind);
    sections.push(
      h('h2', {}, 'What data produced this?'),
      h('p', {}, `${about}${startedAt(p.start)}, as of ${asOfText()}: ${p.nodes.length} upstream nodes (highlighted).`),
      h('h3', {}, 'Raw sources'),
      h('ul', { class: 'related', id: 'answer-sources' }, ...p.sources.map((s) => h('li', {}, goto(s.id, s.label, s.fullLabel)))),
      h('h3', {}, 'Commits'),
      h('ul', { class: 'related' }, ...byKind('COMMIT').map((c) => h('li', {}, goto(c.id, c.label, c.fullLabel)))),
      h('h3', {}, 'Dataset versions'),
      h('ul', { class: 'related' }, ...byKind('DATASET_VERSION').map((d) => h('li', {}, goto(d.id, d.label, d.fullLabel)))),
    );
  }
  if (answer.quality) sections.push(...renderQualityAnswer(about, answer.quality, asOfText(), goto));
  if (answer.impact) {
    const i = answer.impact;
    sections.push(
      h('h2', {}, 'What does this affect?'),
      h('p', {}, `${about}${startedAt(i.start)}, as of ${asOfText()}: ${i.nodes.length} downstream nodes (highlighted).`),
      h('h3', {}, 'Deployments by environment'),
      i.environments.length === 0
        ? h('p', {}, 'No deployment was made from it.')
        : h(
            'ul',
            { class: 'related', id: 'answer-environments' },
            ...i.environments.map((env) =>
              h(
                'li',
                { 'data-environment': env.environment },
                h('strong', {}, env.environment),
                h(
                  'ul',
                  {},
                  ...env.live.map((d) => h('li', { class: 'live-item' }, 'LIVE ', goto(d.id, d.label, d.fullLabel))),
                  ...env.retired.map((d) => h('li', {}, 'retired ', goto(d.id, d.label, d.fullLabel))),
                ),
              ),
            ),
          ),
    );
  }
  panel.replaceChildren(h('div', { class: 'answer', 'data-question': answer.question }, ...sections, clear));
}

// ---------------------------------------------------------------------------------------------------------------
// Selection and details

function select(id: string): void {
  if (!model.has(id)) {
    // A node named in the details or the answer that is not on screen: focus it instead.
    focusNode(id);
    return;
  }
  state.selected = id;
  writeUrl(false);
  render(false);
  view.reveal(id);
  void showDetails(id);
}

let detailsGeneration = 0;

async function showDetails(id: string): Promise<void> {
  const mine = ++detailsGeneration;
  const panel = byId('node-details');
  const node = model.node(id);
  if (!node) return;
  panel.replaceChildren(actions(node), h('p', { class: 'hint' }, 'Loading details…'));
  await busy(async () => {
    const { node: entity } = await graphql<{ node: any }>(NODE_DETAILS, { id });
    if (mine !== detailsGeneration) return;
    const now = state.asOf
      ? h('p', { class: 'note', id: 'details-now' }, `The graph is as of ${formatInstant(state.asOf)}; these details are as recorded now.`)
      : null;
    panel.replaceChildren(
      actions(node),
      now ?? '',
      entity
        ? renderEntity(
            entity,
            (target) => select(target),
            (field) => void showColumns(field),
          )
        : h('p', {}, 'This node no longer exists.'),
    );
  });
}

function actionButton(text: string, shortcut: string | null, onClick: () => void, attributes: Record<string, string> = {}): HTMLButtonElement {
  const button = h('button', { type: 'button', ...attributes, 'aria-keyshortcuts': shortcut ?? undefined }, text, shortcut ? h('kbd', {}, shortcut) : null);
  button.addEventListener('click', onClick);
  return button;
}

function actions(node: LineageNode): HTMLElement {
  const style = KIND_STYLES[node.kind];
  const header = h(
    'header',
    { class: 'node-header', 'data-node-id': node.id },
    h('span', { class: 'badge', style: `background:${style.colour}` }, style.name),
    h('h2', { id: 'details-title', title: node.fullLabel }, node.label),
    node.fullLabel !== node.label ? h('p', { class: 'full-label', id: 'details-full-label' }, node.fullLabel) : null,
    isLiveProduction(node)
      ? h('span', { class: 'live-badge' }, 'LIVE prod')
      : node.kind === 'DEPLOYMENT'
        ? h('span', { class: 'note' }, node.isLive ? `live in ${environmentOf(node)}` : 'retired')
        : null,
  );
  const buttons = h('div', { class: 'actions', role: 'group', 'aria-label': 'Actions on the selected node' });
  if (node.id !== state.node) buttons.append(actionButton('Focus here', 'Enter', () => focusNode(node.id), { id: 'focus-here' }));
  buttons.append(
    actionButton(`Expand upstream${node.hasMoreUpstream ? ' ◀' : ''}`, 'u', () => void expand(node.id, 'UPSTREAM'), { id: 'expand-upstream' }),
    actionButton(`Expand downstream${node.hasMoreDownstream ? ' ▶' : ''}`, 'd', () => void expand(node.id, 'DOWNSTREAM'), { id: 'expand-downstream' }),
  );
  if (hasExpansions(node.id)) buttons.append(actionButton('Collapse', 'c', () => collapse(node.id), { id: 'collapse' }));
  const questions = h('div', { class: 'actions questions', role: 'group', 'aria-label': 'Questions' });
  if (PROVENANCE_KINDS.includes(node.kind))
    questions.append(actionButton('What data produced this?', 'p', () => void ask('provenance', node.id), { id: 'ask-provenance' }));
  if (IMPACT_KINDS.includes(node.kind)) questions.append(actionButton('What does this affect?', 'i', () => void ask('impact', node.id), { id: 'ask-impact' }));
  if ((QUALITY_KINDS as readonly string[]).includes(node.kind))
    questions.append(actionButton('Does it stand on bad data?', 'q', () => void ask('quality', node.id), { id: 'ask-quality' }));
  const report = REPORT_KINDS.includes(node.kind)
    ? h('a', { id: 'audit-report', href: auditReportHref(node.id), target: '_blank', rel: 'noopener' }, 'Audit report (HTML)')
    : null;
  return h('div', {}, header, buttons, questions.childElementCount > 0 ? questions : null, report);
}

export function auditReportHref(id: string): string {
  return `/reports/audit/${encodeURIComponent(id).replace(/%3A/g, ':')}.html${state.asOf ? `?asOf=${encodeURIComponent(state.asOf)}` : ''}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Keyboard navigation in the graph

function neighbour(key: string): string | null {
  const current = state.selected;
  if (!current || !layout.positions.has(current)) return orderedNodes()[0]?.id ?? null;
  const here = layout.positions.get(current)!;
  const candidates = model.nodes
    .map((n) => ({ id: n.id, p: layout.positions.get(n.id)! }))
    .filter(({ id, p }) => {
      if (id === current) return false;
      if (key === 'ArrowLeft') return p.x < here.x;
      if (key === 'ArrowRight') return p.x > here.x;
      if (key === 'ArrowUp') return p.x === here.x && p.y < here.y;
      return p.x === here.x && p.y > here.y;
    });
  const distance = ({ p }: { p: { x: number; y: number } }) => Math.abs(p.x - here.x) * 10 + Math.abs(p.y - here.y);
  candidates.sort((a, b) => distance(a) - distance(b));
  return candidates[0]?.id ?? null;
}

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.isContentEditable)
  );
}

document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (isTyping(event.target)) return;
  const selected = state.selected && model.has(state.selected) ? model.node(state.selected)! : null;
  const inGraph = event.target === byId('graph');
  switch (event.key) {
    case '/':
      byId('search').focus();
      break;
    case 'u':
      if (selected) void expand(selected.id, 'UPSTREAM');
      break;
    case 'd':
      if (selected) void expand(selected.id, 'DOWNSTREAM');
      break;
    case 'c':
      if (selected) collapse(selected.id);
      break;
    case 'p':
      if (selected && PROVENANCE_KINDS.includes(selected.kind)) void ask('provenance', selected.id);
      break;
    case 'i':
      if (selected && IMPACT_KINDS.includes(selected.kind)) void ask('impact', selected.id);
      break;
    case 'q':
      if (selected && (QUALITY_KINDS as readonly string[]).includes(selected.kind)) void ask('quality', selected.id);
      break;
    case 'f':
      view.fit();
      break;
    case 'Escape':
      if (state.field) closeColumns();
      else clearQuestion();
      break;
    case 'Enter':
      if (!inGraph) return;
      if (selected && selected.id !== state.node) focusNode(selected.id);
      break;
    case 'ArrowLeft':
    case 'ArrowRight':
    case 'ArrowUp':
    case 'ArrowDown': {
      if (!inGraph) return;
      const next = neighbour(event.key);
      if (next) select(next);
      break;
    }
    default:
      return;
  }
  event.preventDefault();
});

// ---------------------------------------------------------------------------------------------------------------
// Search (a combobox: arrows move through the results, Enter picks)

const searchInput = byId<HTMLInputElement>('search');
const results = byId<HTMLUListElement>('search-results');
let hits: LineageNode[] = [];
let active = -1;
let searchTimer: ReturnType<typeof setTimeout> | undefined;
let searchGeneration = 0;

function renderHits(): void {
  results.replaceChildren(
    ...hits.map((node, i) => {
      const item = h(
        'li',
        { id: `hit-${i}`, role: 'option', 'aria-selected': String(i === active), 'data-node-id': node.id, 'data-kind': node.kind, 'data-label': node.label },
        h('span', { class: 'badge', style: `background:${KIND_STYLES[node.kind].colour}` }, KIND_STYLES[node.kind].name),
        ' ',
        node.label,
        isLiveProduction(node) ? h('span', { class: 'live-badge' }, 'LIVE prod') : null,
      );
      item.addEventListener('mousedown', (event) => {
        event.preventDefault();
        pick(i);
      });
      return item;
    }),
  );
  const open = hits.length > 0;
  results.hidden = !open;
  searchInput.setAttribute('aria-expanded', String(open));
  if (active >= 0) {
    searchInput.setAttribute('aria-activedescendant', `hit-${active}`);
    byId(`hit-${active}`).scrollIntoView({ block: 'nearest' });
  } else searchInput.removeAttribute('aria-activedescendant');
}

async function runSearch(text: string): Promise<void> {
  const mine = ++searchGeneration;
  if (text.trim() === '') {
    hits = [];
    active = -1;
    renderHits();
    return;
  }
  await busy(async () => {
    const { search } = await graphql<{ search: Array<{ node: LineageNode }> }>(SEARCH, { query: text });
    if (mine !== searchGeneration) return;
    hits = search.map((hit) => hit.node);
    active = hits.length > 0 ? 0 : -1;
    results.dataset.query = text;
    renderHits();
    if (hits.length === 0) status(`Nothing found for "${text}".`);
  });
}

function pick(i: number): void {
  const node = hits[i];
  if (!node) return;
  hits = [];
  active = -1;
  renderHits();
  searchInput.value = node.label;
  focusNode(node.id);
  byId('graph').focus();
}

searchInput.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => void runSearch(searchInput.value), 180);
});
searchInput.addEventListener('keydown', (event) => {
  if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    if (hits.length === 0) return;
    active = (active + (event.key === 'ArrowDown' ? 1 : -1) + hits.length) % hits.length;
    renderHits();
  } else if (event.key === 'Enter') {
    if (hits.length > 0) pick(Math.max(active, 0));
    else void runSearch(searchInput.value);
  } else if (event.key === 'Escape') {
    hits = [];
    active = -1;
    renderHits();
  } else return;
  event.preventDefault();
});
searchInput.addEventListener('blur', () => {
  hits = [];
  active = -1;
  renderHits();
});

// ---------------------------------------------------------------------------------------------------------------
// Controls: as of, node budget, "more…", API key, legend

byId<HTMLInputElement>('as-of').addEventListener('change', (event) => {
  const iso = localInputToIso((event.target as HTMLInputElement).value);
  if (iso === state.asOf) return;
  state.asOf = iso;
  writeUrl(true);
  void load();
});
byId('as-of-now').addEventListener('click', () => {
  if (state.asOf === null) return;
  state.asOf = null;
  writeUrl(true);
  void load();
});
byId<HTMLInputElement>('max-nodes').addEventListener('change', (event) => {
  const value = Number.parseInt((event.target as HTMLInputElement).value, 10);
  if (!Number.isFinite(value)) return;
  state.maxNodes = Math.min(2000, Math.max(5, value));
  writeUrl(false);
  void load();
});
byId('more').addEventListener('click', () => {
  if (!baseTruncation?.truncated) return;
  if (baseTruncation.truncatedReason === 'DEPTH' && state.depth < 20) state.depth += 1;
  else state.maxNodes = Math.min(2000, state.maxNodes * 2);
  writeUrl(false);
  void load();
});

function renderKeyState(): void {
  const summary = document.querySelector('.auth summary')!;
  summary.textContent = apiKey() ? 'API key ✓' : 'API key';
}
byId('auth-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = byId<HTMLInputElement>('api-key');
  setApiKey(input.value.trim() || null);
  input.value = '';
  renderKeyState();
  status(apiKey() ? 'API key set for this tab.' : 'API key cleared.');
  void load();
});
byId('api-key-clear').addEventListener('click', () => {
  setApiKey(null);
  renderKeyState();
  status('API key forgotten.');
});

byId('legend').replaceChildren(
  ...(Object.keys(KIND_STYLES) as Kind[]).map((kind) =>
    h(
      'li',
      {},
      h('span', { class: 'swatch', style: `background:${KIND_STYLES[kind].colour};clip-path:${KIND_STYLES[kind].clip}`, 'aria-hidden': 'true' }),
      KIND_STYLES[kind].name,
    ),
  ),
  h('li', {}, h('span', { class: 'swatch live-prod-swatch', 'aria-hidden': 'true' }), 'Live in production'),
  h('li', {}, h('span', { class: 'swatch hl-swatch', 'aria-hidden': 'true' }), 'In the answer'),
  h('li', {}, h('span', { class: 'swatch at-risk-swatch', 'aria-hidden': 'true' }), 'At risk / bad data'),
  h('li', {}, '◀ ▶ more to expand'),
);

window.addEventListener('popstate', () => {
  Object.assign(state, readUrl(location.search));
  void load();
});

renderKeyState();
syncControls();
if (state.depth === DEFAULT_DEPTH && !state.node) status('Find a dataset, job, model, deployment or commit to start.');
void load();
