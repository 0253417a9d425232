/** A fixed folder whose children are built on demand: the server's "FHIR" and "Lists", a patient's "Standard API" and "FHIR". */
import * as vscode from 'vscode';
import { ExplorerNode } from './base';

export class FolderNode extends ExplorerNode {
  constructor(
    parent: ExplorerNode,
    idSuffix: string,
    readonly label: string,
    private readonly children: (self: FolderNode) => ExplorerNode[],
    private readonly icon = 'folder-library',
    private readonly tooltip?: string,
  ) {
    super(parent, `${parent.id}/${idSuffix}`);
  }

  override getChildren(): ExplorerNode[] {
    return this.fixedChildren(() => this.children(this));
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.tooltip = this.tooltip;
    item.contextValue = `folder.${this.id.split('/').pop() ?? ''}`;
    return item;
  }
}
