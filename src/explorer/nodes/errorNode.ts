/** A failed load shown in place of the subtree, with the explanation and a Retry action (never a modal). */
import * as vscode from 'vscode';
import { isOpenEmrError } from '../../core';
import { ExplorerNode } from './base';

/** reload: fetch the target again; loadMore: retry its next page. */
export type RetryKind = 'reload' | 'loadMore';

export class ErrorNode extends ExplorerNode {
  constructor(
    readonly target: ExplorerNode,
    readonly error: unknown,
    readonly retry: RetryKind = 'reload',
  ) {
    super(target, `${target.id}/error:${retry}`);
  }

  /** The one-line explanation, in the user's words when the core classified the failure. */
  get message(): string {
    if (isOpenEmrError(this.error)) return this.error.explanation;
    return this.error instanceof Error ? this.error.message : String(this.error);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.message, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = 'Retry';
    const tooltip = new vscode.MarkdownString();
    if (isOpenEmrError(this.error)) {
      tooltip.appendText(this.error.message);
      tooltip.appendMarkdown('\n\n');
      tooltip.appendText(this.error.explanation);
      tooltip.appendMarkdown('\n\n**Fix:** ');
      tooltip.appendText(this.error.fix);
      tooltip.appendMarkdown('\n\n$(tools) runs the fix; a click retries.');
      tooltip.supportThemeIcons = true;
    } else tooltip.appendText(this.message);
    item.tooltip = tooltip;
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    item.contextValue = 'error';
    item.command = { command: 'openemr.explorer.retry', title: 'Retry', arguments: [this] };
    return item;
  }
}
