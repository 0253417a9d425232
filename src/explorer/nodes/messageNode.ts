/** A row that only says something: "Sign in to browse", "No records", a group the token cannot read. */
import * as vscode from 'vscode';
import { ExplorerNode } from './base';

export interface MessageOptions {
  description?: string;
  tooltip?: string;
  icon?: string;
  contextValue?: string;
  command?: vscode.Command;
}

export class MessageNode extends ExplorerNode {
  constructor(
    parent: ExplorerNode | undefined,
    id: string,
    readonly label: string,
    private readonly options: MessageOptions = {},
  ) {
    super(parent, id);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = this.options.description;
    item.tooltip = this.options.tooltip;
    item.iconPath = new vscode.ThemeIcon(this.options.icon ?? 'info');
    item.contextValue = this.options.contextValue ?? 'message';
    item.command = this.options.command;
    return item;
  }
}
