/**
 * The Servers tree. Children come from the nodes; a failed load becomes an error node under its parent;
 * loads run under the view's progress indicator; refreshing a node re-fetches that node only.
 */
import * as vscode from 'vscode';
import type { Disposable, PatientSearch } from '../core';
import { ExplorerNode, type ServerScope } from './nodes/base';
import { ErrorNode } from './nodes/errorNode';
import { ServerNode } from './nodes/serverNode';
import { readSettings } from './settings';
import { roleOf, type ExplorerSource } from './source';

export const EXPLORER_VIEW_ID = 'openemr.explorer';

/** Runs a load under the explorer view's progress indicator. */
export function withViewProgress<T>(task: () => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: { viewId: EXPLORER_VIEW_ID } }, task);
}

export class ExplorerProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changes.event;
  private roots = new Map<string, ServerNode>();
  /** Patient filters by server, kept when a server node is rebuilt (sign-in change, full refresh). */
  private readonly filters = new Map<string, PatientSearch>();
  private readonly subscription: Disposable;

  constructor(private readonly source: ExplorerSource) {
    this.subscription = source.onDidChange(({ serverId }) => this.serverChanged(serverId));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changes.dispose();
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    return node.getTreeItem();
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return node.parent;
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!node) return this.servers();
    const children = node.getChildren();
    if (Array.isArray(children)) return children;
    try {
      return await withViewProgress(() => children);
    } catch (error) {
      return [new ErrorNode(node, error)];
    }
  }

  /** The server nodes, rebuilt only when a server's state changed (so loaded pages survive). */
  servers(): ServerNode[] {
    const next = new Map<string, ServerNode>();
    for (const server of this.source.servers()) {
      next.set(server.id, this.roots.get(server.id) ?? this.serverNode(server.id));
    }
    this.roots = next;
    return [...next.values()];
  }

  server(serverId: string): ServerNode | undefined {
    return this.servers().find((s) => s.serverId === serverId);
  }

  /** Re-fetches one node (or everything): only that subtree is asked for again. */
  refresh(node?: ExplorerNode): void {
    if (node) {
      node.invalidate();
      this.changes.fire(node);
    } else {
      this.roots.clear();
      this.changes.fire(undefined);
    }
  }

  /** Filters (or, with an empty search, unfilters) a server's patients and redraws them. */
  setPatientFilter(server: ServerNode, search: PatientSearch): void {
    if (Object.keys(search).length) this.filters.set(server.serverId, search);
    else this.filters.delete(server.serverId);
    server.patients?.setFilter(search);
    this.changes.fire(server.patients);
  }

  /** Redraws a node whose own data changed (after Load more), without forgetting anything. */
  redraw(node: ExplorerNode | undefined): void {
    this.changes.fire(node);
  }

  private serverChanged(serverId: string | undefined): void {
    if (serverId === undefined) this.roots.clear();
    else this.roots.delete(serverId);
    this.changes.fire(undefined);
  }

  private serverNode(serverId: string): ServerNode {
    const server = this.source.servers().find((s) => s.id === serverId)!;
    const state = this.source.state(serverId);
    const client = state.status === 'signed-in' ? this.source.client(serverId) : undefined;
    const scope: ServerScope | undefined = client && {
      server,
      client,
      role: roleOf(state.scopes),
      scopes: state.scopes,
      patient: state.patient,
      settings: readSettings,
      redraw: (node) => this.changes.fire(node),
    };
    const node = new ServerNode(serverId, server.name, state, scope);
    const filter = this.filters.get(serverId);
    if (filter) node.patients?.setFilter(filter);
    return node;
  }
}
