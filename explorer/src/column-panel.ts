import { formatInstant, h } from './dom';
import { transformationLabel, type ColumnLayout, type ColumnLineage, type VersionFields } from './columns';

/**
 * The DOM side of column lineage: the fields of a version in its details (each one opens its column lineage),
 * and, while the column view is open, what it shows as lists (owners with their fields, edges with their
 * transformations) for keyboards, screen readers and tests.
 */

/** "Fields" in the details of a dataset or model version: each a button that shows its column lineage. */
export function fieldsSection(fields: VersionFields | null | undefined, choose: (fieldId: string) => void): HTMLElement | null {
  if (!fields || fields.nodes.length === 0) return null;
  const title = fields.totalCount > fields.nodes.length ? `Fields (${fields.nodes.length} of ${fields.totalCount})` : 'Fields';
  return h(
    'section',
    {},
    h('h3', {}, title),
    h('p', { class: 'note' }, 'Choose a field to see its column lineage.'),
    h(
      'ul',
      { class: 'related fields', id: 'fields' },
      ...fields.nodes.map((field) => {
        const button = h('button', { type: 'button', class: 'link', 'data-field-id': field.id }, field.type ? `${field.name}: ${field.type}` : field.name);
        button.addEventListener('click', () => choose(field.id));
        return h('li', { 'data-field-name': field.name, 'data-declared': String(field.declared) }, button);
      }),
    ),
  );
}

export function renderColumnPanel(answer: ColumnLineage, layout: ColumnLayout, handlers: { select(fieldId: string): void; close(): void }): HTMLElement {
  const labelOf = new Map<string, string>([
    ...answer.fields.map((f): [string, string] => [f.id, f.label]),
    ...layout.owners.map((o): [string, string] => [o.id, o.label]),
  ]);
  const close = h('button', { type: 'button', id: 'close-columns' }, 'Back to the lineage graph (Esc)');
  close.addEventListener('click', handlers.close);
  const owners = h(
    'ul',
    { class: 'related', id: 'column-owners' },
    ...layout.owners.map((owner) =>
      h(
        'li',
        { 'data-owner-id': owner.id, 'data-owner-label': owner.label, 'data-owner-kind': owner.kind },
        h('strong', {}, owner.label),
        h(
          'ul',
          {},
          ...owner.fields.map((field) => {
            const button = h('button', { type: 'button', class: 'link' }, field.type ? `${field.name}: ${field.type}` : field.name);
            button.addEventListener('click', () => handlers.select(field.id));
            return h(
              'li',
              {
                'data-field-id': field.id,
                'data-label': field.label,
                'data-depth': String(field.depth ?? ''),
                'data-masked': String(field.masked === true),
                'data-start': field.id === answer.start.id ? 'true' : undefined,
              },
              button,
              field.masked ? h('span', { class: 'note' }, ' masked on every path') : null,
            );
          }),
        ),
      ),
    ),
  );
  const edges = h(
    'ul',
    { class: 'related', id: 'column-edges' },
    ...answer.edges.map((edge) => {
      const text = transformationLabel(edge);
      return h(
        'li',
        {
          'data-edge-id': edge.id,
          'data-scope': edge.scope,
          'data-from': labelOf.get(edge.upstream) ?? edge.upstream,
          'data-to': labelOf.get(edge.downstream) ?? edge.downstream,
          'data-transformations': text,
        },
        `${labelOf.get(edge.upstream) ?? edge.upstream} → ${labelOf.get(edge.downstream) ?? edge.downstream}: ${text}`,
      );
    }),
  );
  return h(
    'div',
    { class: 'answer columns', 'data-start': answer.start.id },
    h('h2', {}, `Column lineage of ${answer.start.label}`),
    h(
      'p',
      {},
      `As of ${formatInstant(answer.asOf)}: ${answer.fields.length} field${answer.fields.length === 1 ? '' : 's'} upstream and downstream, on the versions read and written.`,
    ),
    answer.truncated ? h('p', { class: 'note', id: 'columns-truncated' }, `The answer was cut (${answer.truncatedReason}).`) : null,
    h('h3', {}, 'Fields by version'),
    owners,
    h('h3', {}, 'Column edges'),
    answer.edges.length === 0 ? h('p', {}, 'No column lineage is recorded for this field.') : edges,
    close,
  );
}
