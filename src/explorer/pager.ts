/**
 * A list loaded page by page ("Load more"): single-flight loading, the count once it is known, and rows
 * reduced by a `keep` function so that long lists hold only what the tree shows. vscode-free.
 */
import { STANDARD_MAX_LIMIT, type Page, type PageRequest } from '../core';

export type PageFetcher<R> = (page: PageRequest) => Promise<Page<R>>;

export interface PagedListOptions<T> {
  /** False when rows are not the paged matches themselves (the Provenance included with them): no peeking ahead. */
  rowsArePaged?: boolean;
  /** The order of the loaded rows, for a server that cannot sort (OpenEMR's FHIR API has no `_sort`). */
  order?: (a: T, b: T) => number;
}

export class PagedList<R, T = R> {
  private items: T[] = [];
  private next: PageRequest | undefined;
  private loaded = false;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly fetchPage: PageFetcher<R>,
    private readonly pageSize: number,
    private readonly keep: (row: R) => T = (row) => row as unknown as T,
    private readonly options: PagedListOptions<T> = {},
  ) {}

  get rows(): readonly T[] {
    return this.items;
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  get hasMore(): boolean {
    return this.next !== undefined;
  }

  /** "12" once the end is reached, "50+" while more may follow, undefined before the first page. */
  get countText(): string | undefined {
    if (!this.loaded) return undefined;
    return this.next ? `${this.items.length}+` : String(this.items.length);
  }

  /** Loads the first page unless it is loaded. */
  ensureLoaded(): Promise<void> {
    return this.loaded ? Promise.resolve() : this.load({ offset: 0, limit: this.pageSize });
  }

  /** Loads the page after the last one; a no-op at the end. */
  loadMore(): Promise<void> {
    if (!this.loaded) return this.ensureLoaded();
    return this.next ? this.load(this.next) : Promise.resolve();
  }

  /** Forgets every row: the next ensureLoaded() fetches the first page again. */
  reset(): void {
    this.items = [];
    this.next = undefined;
    this.loaded = false;
    this.inflight = undefined;
  }

  private load(request: PageRequest): Promise<void> {
    if (this.inflight) return this.inflight;
    // OpenEMR gives no total and no next link, so a full page only says "maybe more": ask for one row more
    // than shown, and a list of exactly one page ends with its count instead of a Load more that loads nothing.
    // (Not at the standard API's maximum page size, which a larger request would be cut to.)
    const limit = request.limit ?? this.pageSize;
    const peek = this.options.rowsArePaged !== false && limit < STANDARD_MAX_LIMIT;
    const run = this.fetchPage({ ...request, limit: peek ? limit + 1 : limit }).then(
      (page) => {
        if (this.inflight !== run) return; // reset() while loading: drop the stale page
        const more = page.items.length > limit;
        for (const row of more ? page.items.slice(0, limit) : page.items) this.items.push(this.keep(row));
        if (this.options.order) this.items.sort(this.options.order);
        this.next = !peek ? page.next : more ? { offset: (request.offset ?? 0) + limit, limit } : undefined;
        this.loaded = true;
        this.inflight = undefined;
      },
      (error: unknown) => {
        if (this.inflight === run) this.inflight = undefined;
        throw error;
      },
    );
    this.inflight = run;
    return run;
  }
}
