import { BadInputError, LimitExceededError } from '../errors';
import type { Tx } from '../db/database';
import type { Limits } from '../limits';

/**
 * Relay-style pagination with keyset cursors: a cursor holds the sort-key values of the last item seen, so pages
 * stay stable while the graph grows and Neo4j skips through an index instead of counting past OFFSET rows.
 */

export interface PageRequest {
  first: number;
  /** Sort-key values of the item after which the page starts. */
  after: unknown[] | null;
}

export interface PageItem<T> {
  node: T;
  cursor: string;
}

export interface Page<T> {
  items: PageItem<T>[];
  totalCount: number;
  hasNextPage: boolean;
}

/** The page asked for, within the page sizes in force (LIMIT_PAGE_DEFAULT and LIMIT_PAGE_SIZE, see src/limits.ts). */
export function pageRequest(first: number | null | undefined, after: string | null | undefined, { defaultSize, maxSize }: Limits['page']): PageRequest {
  const size = first ?? defaultSize;
  if (!Number.isInteger(size) || size < 0) throw new BadInputError('first', `must be a non-negative whole number, got ${size}`);
  if (size > maxSize) throw new LimitExceededError('LIMIT_PAGE_SIZE', `first must be at most ${maxSize}, got ${size}`);
  return { first: size, after: after ? decodeCursor(after) : null };
}

export function mapPage<A, B>(page: Page<A>, map: (node: A) => B): Page<B> {
  return { ...page, items: page.items.map((item) => ({ cursor: item.cursor, node: map(item.node) })) };
}

export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decodeCursor(cursor: string): unknown[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.every((v) => typeof v === 'string' || typeof v === 'number')) return values;
  } catch {
    // reported below
  }
  throw new BadInputError('after', `'${cursor.slice(0, 40)}' is not a cursor returned by this API`);
}

export interface SortKey {
  /** A Cypher expression over the matched variable `n`, e.g. `n.name`; always a constant from a repository. */
  expression: string;
  descending?: boolean;
  /** Temporal keys travel in cursors as ISO strings and are compared as datetimes again. */
  temporal?: boolean;
}

export interface KeysetQuery {
  /** MATCH … WHERE … selecting the candidates, binding `n`; must end in a WHERE condition; parameters only. */
  match: string;
  /** Expression producing one item from `n`. */
  projection: string;
  sortKeys: SortKey[];
  params: Record<string, unknown>;
}

/**
 * Runs one statement returning the total count and one page. The sort keys must end in a unique key (the id), so
 * that the order is total and no item is skipped or repeated between pages.
 */
export async function keysetPage<T>(tx: Tx, query: KeysetQuery, request: PageRequest): Promise<Page<T>> {
  const after = request.after ? afterCondition(query.sortKeys, '$after') : 'true';
  const [row] = await tx.rows<PageRow<T>>(
    `CALL () { ${query.match} RETURN count(n) AS total }
     CALL () {
       ${query.match} AND ${after}
       WITH n ORDER BY ${orderBy(query.sortKeys)} LIMIT toInteger($pageLimit)
       RETURN collect({item: ${query.projection}, keys: [${sortValues(query.sortKeys)}]}) AS items
     }
     RETURN total, items`,
    { ...query.params, after: request.after ?? [], pageLimit: request.first + 1 },
  );
  return toPage(row, request.first);
}

export interface RelatedKeysetQuery {
  /** Label of the parent nodes, matched by id and bound to `p`; a constant from a repository. */
  parentLabel: string;
  /** MATCH from `p` to the related nodes `n`, e.g. `MATCH (n:DatasetVersion)-[:VERSION_OF]->(p) WHERE true`. */
  match: string;
  projection: string;
  sortKeys: SortKey[];
}

export interface RelatedPageKey {
  parentId: string;
  request: PageRequest;
}

/**
 * One page of related nodes for each of many parents, in one statement (the batch function behind a connection
 * field's DataLoader). Results are in key order; a missing parent gets an empty page.
 */
export async function keysetPagesByParent<T>(tx: Tx, query: RelatedKeysetQuery, keys: readonly RelatedPageKey[]): Promise<Page<T>[]> {
  // LIMIT must be a constant or a parameter, so keys are grouped by page size: one statement per distinct size,
  // which in practice (one field, one `first` argument) is one statement per batch.
  const bySize = new Map<number, number[]>();
  keys.forEach((key, index) => bySize.set(key.request.first, [...(bySize.get(key.request.first) ?? []), index]));
  const pages: Array<Page<T>> = new Array(keys.length);
  for (const [first, indexes] of bySize) {
    const rows = await tx.rows<PageRow<T> & { index: number }>(
      `UNWIND $keys AS key
       MATCH (p:${query.parentLabel} {id: key.parentId})
       CALL (p) { ${query.match} RETURN count(n) AS total }
       CALL (p, key) {
         ${query.match} AND (key.after IS NULL OR ${afterCondition(query.sortKeys, 'key.after')})
         WITH n ORDER BY ${orderBy(query.sortKeys)} LIMIT toInteger($pageLimit)
         RETURN collect({item: ${query.projection}, keys: [${sortValues(query.sortKeys)}]}) AS items
       }
       RETURN key.index AS index, total, items`,
      { keys: indexes.map((index) => ({ index, parentId: keys[index]!.parentId, after: keys[index]!.request.after })), pageLimit: first + 1 },
    );
    const byIndex = new Map(rows.map((row) => [row.index, row]));
    for (const index of indexes) pages[index] = toPage(byIndex.get(index), first);
  }
  return pages;
}

interface PageRow<T> {
  total: number;
  items: Array<{ item: T; keys: unknown[] }>;
}

function toPage<T>(row: PageRow<T> | undefined, first: number): Page<T> {
  const rows = row?.items ?? [];
  return {
    totalCount: row?.total ?? 0,
    hasNextPage: rows.length > first,
    items: rows.slice(0, first).map(({ item, keys }) => ({ node: item, cursor: encodeCursor(keys.map(cursorValue)) })),
  };
}

function orderBy(sortKeys: SortKey[]): string {
  return sortKeys.map((key) => `${key.expression}${key.descending ? ' DESC' : ''}`).join(', ');
}

function sortValues(sortKeys: SortKey[]): string {
  return sortKeys.map((key) => key.expression).join(', ');
}

/** `(k1 > a1) OR (k1 = a1 AND k2 > a2) …`, with `<` for descending keys; `values` is a list parameter. */
function afterCondition(sortKeys: SortKey[], values: string): string {
  const value = (index: number) => (sortKeys[index]!.temporal ? `datetime(${values}[${index}])` : `${values}[${index}]`);
  const clauses = sortKeys.map((key, index) => {
    const equal = sortKeys.slice(0, index).map((previous, i) => `${previous.expression} = ${value(i)}`);
    const beyond = `${key.expression} ${key.descending ? '<' : '>'} ${value(index)}`;
    return `(${[...equal, beyond].join(' AND ')})`;
  });
  return `(${clauses.join(' OR ')})`;
}

function cursorValue(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}
