import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import type { Layout } from './layout';
import type { Kind, LineageEdge, LineageNode } from './queries';

/**
 * The Cytoscape canvas. It only draws what it is given (nodes, edges, preset positions, which nodes are focused,
 * selected, highlighted) and reports taps; the page's state lives in main.ts, and the same facts are in the DOM
 * list beside the graph for keyboards, screen readers and tests.
 */

export interface KindStyle {
  name: string;
  shape: string;
  colour: string;
  /** CSS clip-path drawing the same shape in the legend. */
  clip: string;
}

export const KIND_STYLES: Record<Kind, KindStyle> = {
  DATASET_VERSION: { name: 'Dataset version', shape: 'round-rectangle', colour: '#4e79a7', clip: 'inset(0 round 25%)' },
  RUN: { name: 'Run', shape: 'ellipse', colour: '#f28e2b', clip: 'circle(50%)' },
  COMMIT: { name: 'Commit', shape: 'diamond', colour: '#9c755f', clip: 'polygon(50% 0, 100% 50%, 50% 100%, 0 50%)' },
  MODEL_VERSION: { name: 'Model version', shape: 'hexagon', colour: '#b07aa1', clip: 'polygon(25% 0, 75% 0, 100% 50%, 75% 100%, 25% 100%, 0 50%)' },
  DEPLOYMENT: { name: 'Deployment', shape: 'barrel', colour: '#59a14f', clip: 'inset(0 round 15% / 40%)' },
  DATASET: { name: 'Dataset', shape: 'rectangle', colour: '#a0cbe8', clip: 'inset(0)' },
  JOB: { name: 'Job', shape: 'octagon', colour: '#ffbe7d', clip: 'polygon(30% 0, 70% 0, 100% 30%, 100% 70%, 70% 100%, 30% 100%, 0 70%, 0 30%)' },
  MODEL: { name: 'Model', shape: 'pentagon', colour: '#d4a6c8', clip: 'polygon(50% 0, 100% 38%, 82% 100%, 18% 100%, 0 38%)' },
};

export function environmentOf(node: LineageNode): string | null {
  const environment = node.properties.environment;
  return typeof environment === 'string' ? environment : null;
}

export function isLiveProduction(node: LineageNode): boolean {
  return node.kind === 'DEPLOYMENT' && node.isLive === true && environmentOf(node) === 'production';
}

/** The text under a node: its label, its liveness, and arrows where it has more neighbours to expand. */
export function displayLabel(node: LineageNode): string {
  let text = node.label;
  if (node.hasMoreUpstream) text = `◀ ${text}`;
  if (node.hasMoreDownstream) text = `${text} ▶`;
  if (node.kind === 'DEPLOYMENT' && node.isLive) text += isLiveProduction(node) ? '\nLIVE prod' : `\nlive ${environmentOf(node) ?? ''}`.trimEnd();
  else if (node.kind === 'DEPLOYMENT') text += '\nretired';
  return text;
}

export interface ViewHandlers {
  select(id: string): void;
  expand(id: string): void;
}

export interface ViewState {
  nodes: readonly LineageNode[];
  edges: readonly LineageEdge[];
  layout: Layout;
  focus: string | null;
  selected: string | null;
  highlighted: ReadonlySet<string> | null;
  /** When given, only these edges are highlighted (a path), not every edge between highlighted nodes. */
  highlightedEdges?: ReadonlySet<string> | null;
  /** Live deployments that stand on bad data, and the dataset versions that put them at risk. */
  atRisk?: ReadonlySet<string>;
  offending?: ReadonlySet<string>;
}

export class GraphView {
  private readonly cy: Core;

  constructor(container: HTMLElement, handlers: ViewHandlers) {
    this.cy = cytoscape({
      container,
      elements: [],
      autounselectify: true,
      boxSelectionEnabled: false,
      minZoom: 0.15,
      maxZoom: 2.5,
      style: [
        {
          selector: 'node',
          style: {
            shape: 'data(shape)' as never,
            'background-color': 'data(colour)',
            width: 36,
            height: 36,
            'border-width': 1,
            'border-color': '#3b3b3b',
            label: 'data(display)',
            'text-valign': 'bottom',
            'text-halign': 'center',
            'text-margin-y': 6,
            'text-wrap': 'wrap',
            'text-max-width': '170px',
            'font-size': 13,
            'font-family': 'system-ui, sans-serif',
            color: '#1f2328',
            'text-background-color': '#ffffff',
            'text-background-opacity': 0.8,
            'text-background-padding': '1px',
          },
        },
        { selector: 'node.live', style: { 'border-width': 3, 'border-color': '#2da44e' } },
        { selector: 'node.live-prod', style: { 'border-width': 7, 'border-color': '#1a7f37', 'font-weight': 'bold', color: '#0f5323' } },
        { selector: 'node.retired', style: { 'background-opacity': 0.55, 'border-style': 'dashed' } },
        { selector: 'node.focus', style: { width: 48, height: 48, 'font-weight': 'bold' } },
        { selector: 'node.selected', style: { 'overlay-color': '#0969da', 'overlay-opacity': 0.25, 'overlay-padding': 8 } },
        { selector: 'node.hl', style: { 'underlay-color': '#f5b400', 'underlay-opacity': 0.6, 'underlay-padding': 9, 'underlay-shape': 'ellipse' } as never },
        {
          selector: 'edge',
          style: {
            width: 1.6,
            'line-color': '#8c959f',
            'target-arrow-color': '#8c959f',
            'target-arrow-shape': 'triangle',
            'curve-style': 'bezier',
            'arrow-scale': 0.9,
          },
        },
        { selector: 'edge.hl', style: { width: 3.5, 'line-color': '#d4a000', 'target-arrow-color': '#d4a000' } },
        { selector: 'node.at-risk', style: { 'border-width': 7, 'border-color': '#cf222e', 'border-style': 'double' } },
        { selector: 'node.offending', style: { 'border-width': 6, 'border-color': '#cf222e', 'background-color': '#ffcecb' } },
        { selector: '.dim', style: { opacity: 0.18 } },
      ],
    });
    this.cy.on('tap', 'node', (event) => handlers.select(event.target.id()));
    this.cy.on('dbltap', 'node', (event) => handlers.expand(event.target.id()));
    // The canvas follows its box (window resized, panels above it shown or hidden), refitting the graph.
    let pending = 0;
    new ResizeObserver(() => {
      cancelAnimationFrame(pending);
      pending = requestAnimationFrame(() => this.fit());
    }).observe(container);
  }

  render(state: ViewState, fit: boolean): void {
    const cy = this.cy;
    const wanted = new Map<string, ElementDefinition>();
    for (const node of state.nodes) {
      const style = KIND_STYLES[node.kind];
      const classes = [
        node.kind === 'DEPLOYMENT' && node.isLive ? 'live' : '',
        isLiveProduction(node) ? 'live-prod' : '',
        node.kind === 'DEPLOYMENT' && !node.isLive ? 'retired' : '',
        node.id === state.focus ? 'focus' : '',
        node.id === state.selected ? 'selected' : '',
        state.highlighted ? (state.highlighted.has(node.id) ? 'hl' : 'dim') : '',
        state.atRisk?.has(node.id) ? 'at-risk' : '',
        state.offending?.has(node.id) ? 'offending' : '',
      ].filter(Boolean);
      wanted.set(node.id, {
        group: 'nodes',
        data: { id: node.id, shape: style.shape, colour: style.colour, display: displayLabel(node) },
        position: state.layout.positions.get(node.id) ?? { x: 0, y: 0 },
        classes,
      });
    }
    for (const edge of state.edges) {
      const inAnswer = state.highlightedEdges
        ? state.highlightedEdges.has(edge.id)
        : state.highlighted && state.highlighted.has(edge.upstream) && state.highlighted.has(edge.downstream);
      wanted.set(`edge:${edge.id}`, {
        group: 'edges',
        data: { id: `edge:${edge.id}`, source: edge.upstream, target: edge.downstream, type: edge.type },
        classes: state.highlighted ? [inAnswer ? 'hl' : 'dim'] : [],
      });
    }
    cy.batch(() => {
      cy.elements().forEach((element) => {
        if (!wanted.has(element.id())) cy.remove(element);
      });
      const fresh: ElementDefinition[] = [];
      for (const [id, definition] of wanted) {
        const existing = cy.getElementById(id);
        if (existing.empty()) {
          fresh.push(definition);
          continue;
        }
        existing.data(definition.data);
        existing.classes(definition.classes as string[]);
        if (definition.position) existing.position(definition.position);
      }
      cy.add(fresh.filter((d) => d.group === 'nodes'));
      cy.add(fresh.filter((d) => d.group === 'edges'));
    });
    if (fit) this.fit();
  }

  fit(): void {
    this.cy.resize();
    this.cy.fit(undefined, 50);
    if (this.cy.zoom() > 1.4) {
      this.cy.zoom(1.4);
      this.cy.center();
    }
  }

  /** Keeps a node in view (after keyboard navigation). */
  reveal(id: string): void {
    const node = this.cy.getElementById(id);
    if (node.empty()) return;
    const box = node.renderedBoundingBox({});
    const { width, height } = { width: this.cy.width(), height: this.cy.height() };
    if (box.x1 < 0 || box.y1 < 0 || box.x2 > width || box.y2 > height) this.cy.center(node);
  }

  destroy(): void {
    this.cy.destroy();
  }
}
