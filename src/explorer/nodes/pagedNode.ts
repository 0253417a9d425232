/**
 * A node whose children are rows loaded page by page. A refresh keeps the rows on screen until the new
 * first page arrives; if it fails, the old rows stay under an error node, so a network failure empties nothing.
 */
import type * as vscode from 'vscode';
import type { PagedList } from '../pager';
import { ExplorerNode, type ServerScope } from './base';
import { ErrorNode } from './errorNode';
import { LoadMoreNode, type PagedParent } from './loadMoreNode';

export abstract class PagedNode<R, T> extends ExplorerNode implements PagedParent {
  private pager: PagedList<R, T> | undefined;
  /** The last loaded pager, shown while a refresh fails. */
  private previous: PagedList<R, T> | undefined;
  private loadMoreError: unknown;

  abstract readonly scope: ServerScope;
  protected abstract createPager(): PagedList<R, T>;
  protected abstract rowNode(row: T, index: number): ExplorerNode;

  protected get list(): PagedList<R, T> {
    this.pager ??= this.createPager();
    return this.pager;
  }

  /** "12" or "50+" once loaded. */
  protected get countText(): string | undefined {
    return this.pager?.countText ?? this.previous?.countText;
  }

  loadedCount(): number {
    return this.pager?.rows.length ?? 0;
  }

  override invalidate(): void {
    if (this.pager?.isLoaded) this.previous = this.pager;
    this.pager = undefined;
    this.loadMoreError = undefined;
  }

  async loadMore(): Promise<void> {
    try {
      await this.list.loadMore();
      this.loadMoreError = undefined;
    } catch (error) {
      this.loadMoreError = error;
    }
  }

  override async getChildren(): Promise<ExplorerNode[]> {
    const list = this.list;
    const firstLoad = !list.isLoaded;
    try {
      await list.ensureLoaded();
      // The count in the description is known only now: draw this node again once its children are shown.
      if (firstLoad) setTimeout(() => this.scope.redraw(this), 0);
    } catch (error) {
      if (!this.previous) throw error;
      return [new ErrorNode(this, error), ...this.nodesOf(this.previous, false)];
    }
    this.previous = undefined;
    const nodes = this.nodesOf(list, this.loadMoreError === undefined);
    if (this.loadMoreError !== undefined) nodes.push(new ErrorNode(this, this.loadMoreError, 'loadMore'));
    if (nodes.length === 0) return [this.emptyNode()];
    return nodes;
  }

  protected abstract emptyNode(): ExplorerNode;

  private nodesOf(list: PagedList<R, T>, withLoadMore: boolean): ExplorerNode[] {
    const nodes = list.rows.map((row, i) => this.rowNode(row, i));
    if (withLoadMore && list.hasMore) nodes.push(new LoadMoreNode(this));
    return nodes;
  }

  /** Shared by subclasses: the count goes to the description. */
  protected describe(item: vscode.TreeItem, prefix?: string): void {
    const count = this.countText;
    item.description = [prefix, count].filter(Boolean).join(' · ') || undefined;
  }
}
