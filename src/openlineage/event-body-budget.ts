import type { Page } from '../core/page';

/**
 * How many bytes of raw event bodies one request may still return (LIMIT_EVENT_PAGE_BYTES), shared by all its
 * `events` and `conflicts` pages. An event may hold up to LIMIT_EVENT_BYTES of facets, so a page of 100 events,
 * or 100 runs' pages in one query, would be gigabytes read from Neo4j, decompressed and sent in one answer. A
 * page that would go over the budget ends before the event that would (`hasNextPage` stays true and its cursor
 * continues there), so nothing is skipped: the client asks for the rest in the next request. The request's
 * first event is always returned, whatever its size, so that every event can be read.
 */
export class EventBodyBudget {
  constructor(
    readonly maxBytes: number,
    private used = 0,
  ) {}

  /** Counts a body of `bytes` if it fits (the request's first always does); false, counting nothing, when it does not. */
  take(bytes: number): boolean {
    if (this.used > 0 && this.used + bytes > this.maxBytes) return false;
    this.used += bytes;
    return true;
  }

  /** A budget that starts where this one is now, for planning ahead without spending this one. */
  copy(): EventBodyBudget {
    return new EventBodyBudget(this.maxBytes, this.used);
  }
}

/**
 * The pages cut where `fits` first says no, in page order: each page keeps the prefix of its items before that
 * (a page that lost an item says it has a next page). `fits` is called in order, once per item kept or refused.
 */
export function cutPages<T>(pages: readonly Page<T>[], fits: (node: T) => boolean): Page<T>[] {
  return pages.map((page) => {
    const kept = [];
    for (const item of page.items) {
      if (!fits(item.node)) break;
      kept.push(item);
    }
    return kept.length === page.items.length ? page : { ...page, items: kept, hasNextPage: true };
  });
}
