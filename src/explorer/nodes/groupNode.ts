/** A group of records (a collection, a patient's resources of one kind), loaded page by page with "Load more". */
import * as vscode from 'vscode';
import { createRoute, fillPath } from '../../core';
import { encounterNumber, recordId, type GroupSpec, type PathContext, type Row } from '../catalog';
import { fetchGroupPage } from '../fetch';
import { newestFirst } from '../labels';
import { PagedList } from '../pager';
import type { ExplorerNode, ServerScope } from './base';
import { groupNodes } from './groups';
import { LeafNode } from './leafNode';
import { MessageNode } from './messageNode';
import { PagedNode, type RowNode } from './pagedNode';
import { ENCOUNTER_GROUPS } from '../catalog';

export class GroupNode extends PagedNode<Row, Row> {
  constructor(
    parent: ExplorerNode,
    readonly scope: ServerScope,
    readonly spec: GroupSpec,
    readonly ctx: PathContext,
    /** Extra query, e.g. a document category `path`. */
    readonly query: Record<string, string> = {},
    readonly label: string = spec.label,
    idSuffix = spec.id,
  ) {
    super(parent, `${parent.id}/${idSuffix}`);
  }

  /** The list's own path, for "Copy as cURL" on a group. */
  get listPath(): string {
    return this.spec.path;
  }

  protected createPager(): PagedList<Row> {
    return new PagedList<Row>(
      (page) => fetchGroupPage(this.scope.client, this.spec, this.ctx, page, this.query),
      this.scope.settings().pageSize,
      undefined,
      { rowsArePaged: !this.spec.provenanceOfMatches, order: this.spec.resource === 'Observation' ? newestFirst : undefined },
    );
  }

  protected rowId(row: Row, index: number): string {
    return `${this.id}/${recordId(row) || `#${index}`}`;
  }

  protected rowNode(row: Row, id: string): RowNode<Row> {
    if (this.spec.kind === 'encounter' && this.spec.api === 'standard')
      return new EncounterNode(this, id, this.scope, this.spec, row, this.ctx);
    return new LeafNode(this, id, this.scope, this.spec, row, this.ctx);
  }

  protected emptyNode(): ExplorerNode {
    return new MessageNode(this, `${this.id}/empty`, 'No records', { icon: 'circle-outline' });
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    this.describe(item);
    item.tooltip = `${this.spec.api === 'fhir' ? 'FHIR' : this.spec.api === 'portal' ? 'Portal API' : 'Standard API'}: ${this.spec.about ?? `GET ${this.spec.path}`}`;
    item.iconPath = new vscode.ThemeIcon(this.spec.api === 'fhir' ? 'flame' : 'folder');
    // `.create`: OpenEMR has a POST route for this list (New... in the context menu).
    item.contextValue = createRoute(fillPath(this.spec.path, this.ctx)) ? 'group.create' : 'group';
    return item;
  }
}

/** An encounter: a record that also holds its Vitals and SOAP Notes. */
export class EncounterNode extends LeafNode {
  protected override collapsible(): vscode.TreeItemCollapsibleState {
    return vscode.TreeItemCollapsibleState.Collapsed;
  }

  override getChildren(): ExplorerNode[] {
    return this.fixedChildren(() =>
      groupNodes(this, this.scope, ENCOUNTER_GROUPS, { ...this.ctx, eid: encounterNumber(this.row) }),
    );
  }
}

/** A group that holds sub-groups rather than records; it has no count of its own. */
abstract class GroupOfGroupsNode extends GroupNode {
  abstract override getChildren(): Promise<ExplorerNode[]>;

  override getTreeItem(): vscode.TreeItem {
    const item = super.getTreeItem();
    item.description = undefined;
    return item;
  }
}

/** Documents: OpenEMR lists them by category (`?path=`), so the group holds one node per category. */
export class DocumentsNode extends GroupOfGroupsNode {
  override getChildren(): Promise<ExplorerNode[]> {
    return Promise.resolve(
      this.fixedChildren(() =>
        this.scope
          .settings()
          .documentCategories.map(
            (category) =>
              new GroupNode(this, this.scope, this.spec, this.ctx, { path: category }, category, `category:${category}`),
          ),
      ),
    );
  }
}

/** A group whose spec lists sub-groups (a patient's Provenance, one per target type), each gated by the token's scopes. */
export class SubgroupsNode extends GroupOfGroupsNode {
  override getChildren(): Promise<ExplorerNode[]> {
    return Promise.resolve(this.fixedChildren(() => groupNodes(this, this.scope, this.spec.subgroups ?? [], this.ctx)));
  }
}
