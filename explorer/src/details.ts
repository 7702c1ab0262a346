import { fieldsSection } from './column-panel';
import { formatInstant, h } from './dom';

/**
 * The details panel's body for one entity, as `node(id:)` returned it (NODE_DETAILS): its properties, then what
 * it relates to (versions, runs, deployments, commit, history), each related node a button that focuses it.
 */

type Entity = Record<string, any> & { __typename: string; id: string };
type Goto = (id: string) => void;

const INSTANT_FIELDS = new Set(['deployedAt', 'retiredAt', 'createdAt', 'startedAt', 'endedAt', 'committedAt', 'at']);

function value(field: string, raw: unknown): Node | string {
  if (raw === null || raw === undefined) return '—';
  if (INSTANT_FIELDS.has(field)) return formatInstant(raw);
  if (typeof raw === 'object') return h('code', {}, JSON.stringify(raw));
  if (typeof raw === 'number') return raw.toLocaleString('en');
  return String(raw);
}

function properties(entity: Entity, fields: string[]): HTMLElement {
  const list = h('dl', { class: 'props' });
  for (const field of fields) {
    if (!(field in entity)) continue;
    list.append(h('dt', {}, field), h('dd', {}, value(field, entity[field])));
  }
  return list;
}

/** A JSON object (run parameters, metrics) as a small table. */
function keyValues(title: string, object: Record<string, unknown> | null | undefined): HTMLElement | null {
  if (!object || Object.keys(object).length === 0) return null;
  const list = h('dl', { class: 'props' });
  for (const [key, raw] of Object.entries(object)) list.append(h('dt', {}, key), h('dd', {}, typeof raw === 'object' ? JSON.stringify(raw) : String(raw)));
  return h('section', {}, h('h3', {}, title), list);
}

function link(goto: Goto, id: string, text: string): HTMLElement {
  const button = h('button', { type: 'button', class: 'link', 'data-goto': id }, text);
  button.addEventListener('click', () => goto(id));
  return button;
}

function related(title: string, items: Array<{ id: string; text: string; note?: string }>, total?: number): HTMLElement | null {
  if (items.length === 0) return null;
  return h(
    'section',
    {},
    h('h3', {}, total !== undefined && total > items.length ? `${title} (${items.length} of ${total})` : title),
    h('ul', { class: 'related' }, ...items.map((item) => h('li', {}, item.text, item.note ? h('span', { class: 'note' }, ` ${item.note}`) : null))),
  );
}

const runText = (run: any) => `${run.job?.name ?? 'run'} ${String(run.runId).slice(0, 8)}`;

/** `chooseField` opens the column lineage of a field of a dataset or model version. */
export function renderEntity(entity: Entity, goto: Goto, chooseField: (fieldId: string) => void = () => {}): HTMLElement {
  const body = h('div', { class: 'entity' });
  const add = (...nodes: Array<Node | null>) => nodes.forEach((n) => n && body.append(n));
  const relatedLinks = (title: string, items: Array<{ id: string; text: string; note?: string }>, total?: number) => {
    const section = related(title, items, total);
    if (!section) return null;
    // Replace the plain texts with buttons that focus the node.
    section.querySelectorAll('li').forEach((li, i) => {
      const item = items[i];
      li.firstChild?.replaceWith(link(goto, item.id, item.text));
    });
    return section;
  };
  switch (entity.__typename) {
    case 'Deployment':
      add(
        properties(entity, ['name', 'environment', 'isLive', 'endpoint', 'deployedAt', 'deployedBy', 'retiredAt', 'retiredBy']),
        relatedLinks('Serves', [{ id: entity.modelVersion.id, text: `${entity.modelVersion.modelName}@${entity.modelVersion.version}` }]),
        relatedLinks(
          'Deployment history of the slot',
          [
            entity.next && {
              id: entity.next.id,
              text: `next: version ${entity.next.modelVersion.version}`,
              note: `deployed ${formatInstant(entity.next.deployedAt)}`,
            },
            entity.previous && {
              id: entity.previous.id,
              text: `previous: version ${entity.previous.modelVersion.version}`,
              note: `deployed ${formatInstant(entity.previous.deployedAt)}`,
            },
          ].filter(Boolean),
        ),
      );
      break;
    case 'ModelVersion':
      add(
        properties(entity, ['modelName', 'version', 'framework', 'artifactUri', 'digest', 'createdAt']),
        keyValues('Metrics', entity.metrics),
        fieldsSection(entity.fields, chooseField),
        relatedLinks(
          'Trained by',
          entity.trainingRun ? [{ id: entity.trainingRun.id, text: runText(entity.trainingRun), note: entity.trainingRun.state ?? '' }] : [],
        ),
        relatedLinks(
          'Deployments',
          entity.deployments.map((d: any) => ({
            id: d.id,
            text: `${d.name} (${d.environment})`,
            note: `${formatInstant(d.deployedAt)}${d.isLive ? ' · live' : ` → ${formatInstant(d.retiredAt)}`}`,
          })),
        ),
        relatedLinks('Model', [{ id: entity.model.id, text: entity.modelName }]),
      );
      break;
    case 'DatasetVersion':
      add(
        properties(entity, ['namespace', 'name', 'version', 'uri', 'digest', 'rowCount', 'createdAt']),
        entity.schema?.length
          ? h('section', {}, h('h3', {}, 'Schema'), h('p', {}, entity.schema.map((f: any) => `${f.name}${f.type ? `: ${f.type}` : ''}`).join(', ')))
          : null,
        fieldsSection(entity.fields, chooseField),
        relatedLinks('Produced by', entity.producedBy ? [{ id: entity.producedBy.id, text: runText(entity.producedBy) }] : []),
        entity.producedBy ? null : h('p', { class: 'note' }, 'A raw source: nothing recorded produced it.'),
        relatedLinks(
          'Read by',
          entity.consumedBy.nodes.map((r: any) => ({ id: r.id, text: runText(r), note: formatInstant(r.startedAt) })),
          entity.consumedBy.totalCount,
        ),
        relatedLinks('Dataset', [{ id: entity.dataset.id, text: entity.name }]),
      );
      break;
    case 'Run':
      add(
        properties(entity, ['runId', 'state', 'startedAt', 'endedAt', 'errorMessage']),
        relatedLinks('Job', entity.job ? [{ id: entity.job.id, text: `${entity.job.namespace} / ${entity.job.name}` }] : []),
        keyValues('Parameters', entity.parameters),
        relatedLinks(
          'Commit',
          entity.commit
            ? [{ id: entity.commit.id, text: String(entity.commit.sha).slice(0, 12), note: `${entity.commit.author ?? ''} — ${entity.commit.message ?? ''}` }]
            : [],
        ),
        relatedLinks('Parent run', entity.parent ? [{ id: entity.parent.id, text: runText(entity.parent) }] : []),
        relatedLinks(
          'Inputs',
          entity.inputs.map((d: any) => ({ id: d.id, text: `${d.name}@${d.version}` })),
        ),
        relatedLinks('Outputs', [
          ...entity.outputs.map((d: any) => ({ id: d.id, text: `${d.name}@${d.version}` })),
          ...entity.modelVersions.map((m: any) => ({ id: m.id, text: `${m.modelName}@${m.version}` })),
        ]),
      );
      break;
    case 'Commit':
      add(
        properties(entity, ['repository', 'sha', 'branch', 'author', 'message', 'committedAt']),
        relatedLinks(
          'Runs of this commit',
          entity.runs.nodes.map((r: any) => ({ id: r.id, text: runText(r), note: formatInstant(r.startedAt) })),
          entity.runs.totalCount,
        ),
      );
      break;
    case 'Dataset':
    case 'Model':
      add(
        properties(entity, ['namespace', 'name', 'description', 'createdAt']),
        relatedLinks(
          'Versions, newest first',
          entity.versions.nodes.map((v: any) => ({ id: v.id, text: v.version, note: formatInstant(v.createdAt) })),
          entity.versions.totalCount,
        ),
      );
      break;
    case 'Job':
      add(
        properties(entity, ['namespace', 'name', 'description', 'createdAt']),
        relatedLinks(
          'Runs, newest first',
          entity.runs.nodes.map((r: any) => ({ id: r.id, text: runText(r), note: `${r.state ?? ''} ${formatInstant(r.startedAt)}` })),
          entity.runs.totalCount,
        ),
      );
      break;
    default:
      add(h('p', {}, `No details for a ${entity.__typename}.`));
  }
  if (entity.conflicts?.nodes?.length) {
    // What events said against the recorded facts, set aside: the fact shown above stands.
    const items = entity.conflicts.nodes.flatMap((event: any) =>
      event.conflicts
        .filter((c: any) => c.entityId === entity.id)
        .map((c: any) => h('li', {}, `${formatInstant(event.eventTime)} · ${event.eventType ?? 'event'} · ${c.path}: ${c.message}`)),
    );
    add(
      h(
        'section',
        { class: 'conflicts', id: 'details-conflicts' },
        h('h3', {}, `Conflicts set aside (${entity.conflicts.totalCount} event${entity.conflicts.totalCount === 1 ? '' : 's'})`),
        h('ul', { class: 'related' }, ...items),
      ),
    );
  }
  if (entity.history?.nodes?.length) {
    add(
      h(
        'section',
        {},
        h(
          'h3',
          {},
          `Recorded by (audit trail, newest first${entity.history.totalCount > entity.history.nodes.length ? `, ${entity.history.nodes.length} of ${entity.history.totalCount}` : ''})`,
        ),
        h(
          'ul',
          { class: 'related' },
          ...entity.history.nodes.map((r: any) => h('li', {}, `${formatInstant(r.at)} · ${r.actor} · ${r.operation} (${r.source})`)),
        ),
      ),
    );
  }
  return body;
}
