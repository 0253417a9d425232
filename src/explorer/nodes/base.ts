/** The base of every tree node, and what nodes of one server share. */
import type * as vscode from 'vscode';
import type { OpenEmrClient } from '../../core';
import type { ExplorerSettings } from '../settings';
import type { ExplorerServer, TokenRole } from '../source';

/** Everything below a signed-in server needs: its client, the token's role and scopes, the settings. */
export interface ServerScope {
  server: ExplorerServer;
  client: OpenEmrClient;
  role: TokenRole;
  scopes: readonly string[];
  /** The patient of a patient-context token. */
  patient?: string;
  settings: () => ExplorerSettings;
  /** Asks the view to draw a node again (its label or description changed). */
  redraw: (node: ExplorerNode) => void;
}

export abstract class ExplorerNode {
  private built: ExplorerNode[] | undefined;

  /** `id` is the TreeItem id: stable across refreshes, so VS Code keeps the expansion state. */
  constructor(
    readonly parent: ExplorerNode | undefined,
    readonly id: string,
  ) {}

  abstract getTreeItem(): vscode.TreeItem;

  getChildren(): ExplorerNode[] | Promise<ExplorerNode[]> {
    return [];
  }

  /**
   * Children that never change (folders, groups), built once. VS Code asks for the children of a redrawn
   * node again, and of every expanded node below it: the same objects keep what they loaded.
   */
  protected fixedChildren(build: () => ExplorerNode[]): ExplorerNode[] {
    this.built ??= build();
    return this.built;
  }

  /** The children built so far, loading nothing (to find the rows a write changed). */
  loadedChildren(): ExplorerNode[] {
    return this.built ?? [];
  }

  /** Forgets loaded data, so the next getChildren fetches again; fixed children forget theirs too. */
  invalidate(): void {
    for (const child of this.built ?? []) child.invalidate();
  }
}
