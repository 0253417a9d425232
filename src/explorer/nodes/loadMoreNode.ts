/** "Load more": fetches the next page of its parent and refreshes only that parent. */
import * as vscode from 'vscode';
import { ExplorerNode } from './base';

export interface PagedParent {
  readonly id: string;
  loadMore(): Promise<void>;
  loadedCount(): number;
}

export class LoadMoreNode extends ExplorerNode {
  constructor(readonly owner: ExplorerNode & PagedParent) {
    super(owner, `${owner.id}/load-more`);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = `${this.owner.loadedCount()} loaded`;
    item.iconPath = new vscode.ThemeIcon('fold-down');
    item.contextValue = 'loadMore';
    item.command = { command: 'openemr.explorer.loadMore', title: 'Load More', arguments: [this] };
    return item;
  }
}
