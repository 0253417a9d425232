/**
 * A node whose children are rows loaded page by page. A refresh keeps the rows on screen until the new
 * first page arrives; if it fails, the old rows stay under an error node, so a network failure empties nothing.
 * A row keeps its node object (and what was loaded below it) across redraws, Load more and refreshes.
 */
import type * as vscode from 'vscode';
import type { PagedList } from '../pager';
import { ExplorerNode, type ServerScope } from './base';
import { ErrorNode } from './errorNode';
import { LoadMoreNode, type PagedParent } from './loadMoreNode';

/** A node that shows one row of a list; a reload hands it the row's new data. */
export type RowNode<T> = ExplorerNode & { row: T };

export abstract class PagedNode<R, T> extends ExplorerNode implements PagedParent {
  private pager: PagedList<R, T> | undefined;
  /** The last loaded pager, shown while a refresh fails. */
  private previous: PagedList<R, T> | undefined;
  private loadMoreError: unknown;
  /** Set while a redraw waits for VS Code to read this node again. */
  private itemRead: (() => void) | undefined;
  /** The nodes of the rows last shown, in list order, and the list they were built for. */
  private rowNodes: RowNode<T>[] = [];
  private shownList: PagedList<R, T> | undefined;

  abstract readonly scope: ServerScope;
  protected abstract createPager(): PagedList<R, T>;
  /** The tree id of a row's node, stable across reloads. */
  protected abstract rowId(row: T, index: number): string;
  protected abstract rowNode(row: T, id: string): RowNode<T>;

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

  override loadedChildren(): ExplorerNode[] {
    return [...super.loadedChildren(), ...this.rowNodes];
  }

  override invalidate(): void {
    super.invalidate();
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

  /**
   * The rows' nodes: the same objects as last time for rows still listed, updated when the list was reloaded.
   * Load more only appends to the same list, so only the new rows need nodes; a reloaded list is matched by id.
   * Long lists keep one array slot per row here, and no lookup table.
   */
  private nodesOf(list: PagedList<R, T>, withLoadMore: boolean): ExplorerNode[] {
    const rows = list.rows;
    const appended = this.shownList === list && this.rowNodes.length <= rows.length;
    const byId = appended ? undefined : new Map(this.rowNodes.map((node) => [node.id, node]));
    const nodes = appended ? this.rowNodes : [];
    for (let i = nodes.length; i < rows.length; i++) {
      const row = rows[i]!;
      const id = this.rowId(row, i);
      const node = byId?.get(id) ?? this.rowNode(row, id);
      if (node.row !== row) node.row = row;
      nodes.push(node);
    }
    this.rowNodes = nodes;
    this.shownList = list;
    const shown: ExplorerNode[] = [...nodes];
    if (withLoadMore && list.hasMore) shown.push(new LoadMoreNode(this));
    return shown;
  }

  /** Shared by subclasses: the count goes to the description. */
  protected describe(item: vscode.TreeItem, prefix?: string): void {
    this.itemRead?.();
    const count = this.countText;
    item.description = [prefix, count].filter(Boolean).join(' · ') || undefined;
  }
}
