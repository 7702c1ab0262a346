import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import { transformationLabel, type ColumnLayout, type ColumnLineage } from './columns';
import { KIND_STYLES } from './graph-view';

/**
 * The canvas of the column view: each dataset or model version a box (a Cytoscape compound node) holding its
 * fields, edges from field to field (or to a whole box, for dataset-wide dependencies) labelled by their
 * transformations. Like GraphView it only draws; the page keeps the state, and the same facts are in the DOM.
 */
export class ColumnView {
  private readonly cy: Core;

  constructor(container: HTMLElement, handlers: { select(fieldId: string): void }) {
    this.cy = cytoscape({
      container,
      elements: [],
      autounselectify: true,
      boxSelectionEnabled: false,
      minZoom: 0.15,
      maxZoom: 2.5,
      style: [
        {
          selector: 'node.owner',
          style: {
            shape: 'round-rectangle',
            'background-color': 'data(colour)',
            'background-opacity': 0.12,
            'border-width': 1.5,
            'border-color': 'data(colour)',
            label: 'data(label)',
            'text-valign': 'top',
            'text-halign': 'center',
            'font-size': 13,
            'font-weight': 'bold',
            'font-family': 'system-ui, sans-serif',
            color: '#1f2328',
            padding: '10px',
          },
        },
        {
          selector: 'node.field',
          style: {
            shape: 'round-rectangle',
            width: 170,
            height: 24,
            'background-color': '#ffffff',
            'border-width': 1,
            'border-color': '#57606a',
            label: 'data(label)',
            'text-valign': 'center',
            'text-halign': 'center',
            'font-size': 12,
            'font-family': 'ui-monospace, monospace',
            color: '#1f2328',
          },
        },
        { selector: 'node.field.start', style: { 'border-width': 3, 'border-color': '#0969da', 'font-weight': 'bold' } },
        { selector: 'node.field.masked', style: { 'border-style': 'dashed', 'background-color': '#f6f8fa', color: '#57606a' } },
        {
          selector: 'edge',
          style: {
            width: 1.4,
            'line-color': '#8c959f',
            'target-arrow-color': '#8c959f',
            'target-arrow-shape': 'triangle',
            'curve-style': 'bezier',
            label: 'data(label)',
            'font-size': 10,
            'text-rotation': 'autorotate',
            'text-background-color': '#ffffff',
            'text-background-opacity': 0.85,
            color: '#57606a',
          },
        },
        { selector: 'edge.masking', style: { 'line-style': 'dashed', 'line-color': '#cf222e', 'target-arrow-color': '#cf222e', color: '#cf222e' } },
        { selector: 'edge.dataset', style: { 'line-style': 'dotted' } },
      ],
    });
    this.cy.on('tap', 'node.field', (event) => handlers.select(event.target.id()));
  }

  render(answer: ColumnLineage, layout: ColumnLayout): void {
    const elements: ElementDefinition[] = [];
    for (const owner of layout.owners) {
      const colour = KIND_STYLES[owner.kind].colour;
      elements.push({ group: 'nodes', data: { id: owner.id, label: owner.label, colour }, classes: ['owner'] });
      for (const field of owner.fields) {
        elements.push({
          group: 'nodes',
          data: { id: field.id, parent: owner.id, label: field.type ? `${field.name}: ${field.type}` : field.name },
          position: layout.positions.get(field.id),
          classes: ['field', field.id === answer.start.id ? 'start' : '', field.masked ? 'masked' : ''].filter(Boolean),
        });
      }
    }
    for (const edge of answer.edges) {
      elements.push({
        group: 'edges',
        data: { id: `edge:${edge.id}`, source: edge.upstream, target: edge.downstream, label: transformationLabel(edge) },
        classes: [edge.masking ? 'masking' : '', edge.scope === 'DATASET' ? 'dataset' : ''].filter(Boolean),
      });
    }
    this.cy.batch(() => {
      this.cy.elements().remove();
      this.cy.add(elements);
    });
    this.fit();
  }

  fit(): void {
    this.cy.resize();
    this.cy.fit(undefined, 40);
    if (this.cy.zoom() > 1.3) {
      this.cy.zoom(1.3);
      this.cy.center();
    }
  }
}
