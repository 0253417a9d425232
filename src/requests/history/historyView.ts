/** The History view (`openemr.history`): the last requests per server, newest first, with their actions. */
import * as vscode from 'vscode';
import type { HistoryEntry, HistoryStore } from '../../core/requests/history';
import type { ServerStore } from '../../services';

export class HistoryItem {
  constructor(readonly entry: HistoryEntry) {}
}

export class ServerGroup {
  constructor(
    readonly serverId: string,
    readonly name: string,
  ) {}
}

type Node = ServerGroup | HistoryItem;

function ago(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

export class HistoryProvider implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly store: HistoryStore,
    private readonly servers: ServerStore,
  ) {}

  private pending: NodeJS.Timeout | undefined;

  refresh(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
    this.changed.fire(undefined);
  }

  /** After each answer: a burst of requests (Send All, a script) redraws the view once, not per request. */
  refreshSoon(): void {
    this.pending ??= setTimeout(() => this.refresh(), 250);
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node instanceof HistoryItem) return [];
    if (node instanceof ServerGroup) return (await this.store.list(node.serverId)).map((e) => new HistoryItem(e));
    const all = await this.store.list();
    const ids = [...new Set(all.map((e) => e.serverId))];
    // One server: its requests at the top level.
    if (ids.length === 1) return all.map((e) => new HistoryItem(e));
    return ids.map((id) => new ServerGroup(id, this.servers.get(id)?.name ?? id));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node instanceof ServerGroup) {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `history-server:${node.serverId}`;
      item.iconPath = new vscode.ThemeIcon('server');
      item.contextValue = 'historyServer';
      return item;
    }
    const e = node.entry;
    const item = new vscode.TreeItem(`${e.method} ${e.path}`, vscode.TreeItemCollapsibleState.None);
    item.id = `history:${e.id}`;
    item.description = `${e.status} · ${e.durationMs} ms · ${ago(e.at)}`;
    item.tooltip = `${e.method} ${e.path}\n${e.status} in ${e.durationMs} ms, ${e.sizeBytes} bytes\n${new Date(e.at).toLocaleString()}\n${this.servers.get(e.serverId)?.name ?? e.serverId}`;
    item.iconPath = new vscode.ThemeIcon(
      e.status >= 400 ? 'error' : 'pass',
      new vscode.ThemeColor(e.status >= 400 ? 'testing.iconFailed' : 'testing.iconPassed'),
    );
    item.contextValue = e.response ? 'history.kept' : 'history';
    item.command = e.response
      ? { command: 'openemr.history.open', title: 'Open Answer', arguments: [node] }
      : { command: 'openemr.history.sendAgain', title: 'Send Again', arguments: [node] };
    return item;
  }
}
