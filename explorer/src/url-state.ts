/**
 * The view as a URL, so that a view can be shared: `?node=<focused id>&asOf=<ISO instant>&q=provenance|impact|quality`
 * (`about=<id>` when the question is about another node than the focused one), `sel=<id>` when another node than
 * the focused one is selected, and the bounds when they differ from the defaults (`depth`, `max`); `field=<id>`
 * while the column lineage of a field is shown. Expansions are not kept: a shared view opens on the focused
 * neighbourhood.
 */

export type Question = 'provenance' | 'impact' | 'quality';

export interface ViewState {
  node: string | null;
  asOf: string | null;
  question: Question | null;
  about: string | null;
  selected: string | null;
  depth: number;
  maxNodes: number;
  /** The field whose column lineage is shown, if any. */
  field: string | null;
}

export const DEFAULT_DEPTH = 2;
export const DEFAULT_MAX_NODES = 60;

export function readUrl(search: string): ViewState {
  const params = new URLSearchParams(search);
  const int = (name: string, fallback: number, min: number, max: number) => {
    const value = Number.parseInt(params.get(name) ?? '', 10);
    return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
  };
  const asOf = params.get('asOf');
  const q = params.get('q');
  const node = params.get('node');
  const question = q === 'provenance' || q === 'impact' || q === 'quality' ? q : null;
  return {
    node,
    asOf: asOf && !Number.isNaN(Date.parse(asOf)) ? new Date(asOf).toISOString() : null,
    question,
    about: question ? (params.get('about') ?? node) : null,
    selected: params.get('sel') ?? node,
    depth: int('depth', DEFAULT_DEPTH, 1, 20),
    maxNodes: int('max', DEFAULT_MAX_NODES, 5, 2000),
    field: params.get('field'),
  };
}

export function toSearch(state: ViewState): string {
  const params = new URLSearchParams();
  if (state.node) params.set('node', state.node);
  if (state.asOf) params.set('asOf', state.asOf);
  if (state.question) {
    params.set('q', state.question);
    if (state.about && state.about !== state.node) params.set('about', state.about);
  }
  if (state.selected && state.selected !== state.node) params.set('sel', state.selected);
  if (state.depth !== DEFAULT_DEPTH) params.set('depth', String(state.depth));
  if (state.maxNodes !== DEFAULT_MAX_NODES) params.set('max', String(state.maxNodes));
  if (state.field) params.set('field', state.field);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** `2025-03-15T00:00` (a datetime-local value, read as UTC) <-> `2025-03-15T00:00:00.000Z`. */
export function localInputToIso(value: string): string | null {
  if (!value) return null;
  const date = new Date(`${value.length === 16 ? `${value}:00` : value}Z`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function isoToLocalInput(iso: string | null): string {
  return iso ? iso.slice(0, 16) : '';
}
