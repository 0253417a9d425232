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
  /** Set while a redraw waits for VS Code to read this node again. */
  private itemRead: (() => void) | undefined;

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
      if (firstLoad) await this.redrawBeforeChildren();
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

  /**
   * The count in the description is known only now, so the node must be drawn again. VS Code forgets the
   * children it was just handed when their parent is redrawn after them (expanding one of them then shows
   * nothing), so the redraw goes first: wait until VS Code has read this node again, or a second at most.
   */
  private redrawBeforeChildren(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.itemRead = undefined;
        resolve();
      };
      const timer = setTimeout(done, 1000);
      this.itemRead = done;
      this.scope.redraw(this);
    });
  }

  private nodesOf(list: PagedList<R, T>, withLoadMore: boolean): ExplorerNode[] {
    const nodes = list.rows.map((row, i) => this.rowNode(row, i));
    if (withLoadMore && list.hasMore) nodes.push(new LoadMoreNode(this));
    return nodes;
  }

  /** Shared by subclasses: the count goes to the description. */
  protected describe(item: vscode.TreeItem, prefix?: string): void {
    this.itemRead?.();
    const count = this.countText;
    item.description = [prefix, count].filter(Boolean).join(' · ') || undefined;
  }
}
