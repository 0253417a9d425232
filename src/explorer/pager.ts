/**
 * A list loaded page by page ("Load more"): single-flight loading, the count once it is known, and rows
 * reduced by a `keep` function so that long lists hold only what the tree shows. vscode-free.
 */
import type { Page, PageRequest } from '../core';

export type PageFetcher<R> = (page: PageRequest) => Promise<Page<R>>;

export class PagedList<R, T = R> {
  private items: T[] = [];
  private next: PageRequest | undefined;
  private loaded = false;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly fetchPage: PageFetcher<R>,
    private readonly pageSize: number,
    private readonly keep: (row: R) => T = (row) => row as unknown as T,
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
    const run = this.fetchPage({ limit: this.pageSize, ...request }).then(
      (page) => {
        if (this.inflight !== run) return; // reset() while loading: drop the stale page
        for (const row of page.items) this.items.push(this.keep(row));
        this.next = page.next;
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
